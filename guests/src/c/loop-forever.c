// loop-forever: spins forever without calls or output; only fuel or the wall-clock timeout
// stops it. The volatile counter keeps the compiler from deleting the loop.
static volatile unsigned long long counter;

int main(void) {
  for (;;) counter++;
}
