/*
 * loopcheck's calibration model in Promela, for side-by-side runs with SPIN
 * (npm run bench). It has the transition system of models/philosophers:
 *
 *   state  = phase[0..N-1] (0 thinking, 1 hungry, 2 one fork, 3 eating),
 *            owner[0..N-1] (0 free, else philosopher+1), meals (mod M)
 *   moves  = four atomic moves per philosopher; philosopher p uses fork p
 *            first and fork p+1 (mod N) second, except the last philosopher,
 *            who uses them the other way round.
 *
 * Each move is a d_step and every process waits at the top of its loop, so
 * SPIN's state is exactly (phase, owner, meals). The check index `c` is zero
 * in every stored state. Build:  spin -a -DN=10 -DM=3 philosophers.pml
 */
#ifndef N
#define N 10
#endif
#ifndef M
#define M 3
#endif

#define LFORK(p)  (p)
#define RFORK(p)  (((p) + 1) % N)
#define FIRST(p)  ((p) == N - 1 -> RFORK(p) : LFORK(p))
#define SECOND(p) ((p) == N - 1 -> LFORK(p) : RFORK(p))

byte phase[N];
byte owner[N];
byte meals;
byte c;

/* every eating philosopher owns both of its forks */
inline check_eaters() {
  for (c : 0 .. N - 1) {
    assert(phase[c] != 3 || (owner[LFORK(c)] == c + 1 && owner[RFORK(c)] == c + 1))
  }
  c = 0
}

active [N] proctype philosopher()
{
  do
  :: d_step { phase[_pid] == 0 -> phase[_pid] = 1; check_eaters() }
  :: d_step { phase[_pid] == 1 && owner[FIRST(_pid)] == 0 ->
              owner[FIRST(_pid)] = _pid + 1; phase[_pid] = 2; check_eaters() }
  :: d_step { phase[_pid] == 2 && owner[SECOND(_pid)] == 0 ->
              owner[SECOND(_pid)] = _pid + 1; phase[_pid] = 3; check_eaters() }
  :: d_step { phase[_pid] == 3 ->
              owner[LFORK(_pid)] = 0; owner[RFORK(_pid)] = 0; phase[_pid] = 0;
              meals = (meals + 1) % M; check_eaters() }
  od
}
