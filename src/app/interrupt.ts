// Whether the user asked the run to stop (Ctrl-C or SIGTERM). main.ts sets
// it from its signal handlers; searches poll it and end as `interrupted`
// (incomplete), so partial results are still reported.

let requested = false;

export function requestInterrupt(): void {
  requested = true;
}

export function interrupted(): boolean {
  return requested;
}
