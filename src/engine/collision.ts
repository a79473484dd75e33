// The chance that fingerprinting lost a state: the birthday bound for n
// distinct states and 64-bit fingerprints, printed after every search.

export function collisionProbability(n: number): number {
  return (n * (n - 1)) / 2 / 2 ** 64;
}
