/** Modified Bessel function of the first kind, order 0, by its power series Σ ((x/2)^k / k!)² (Kaiser windows). */
export function besselI0(x: number): number {
  const h = x / 2;
  let term = 1;
  let sum = 1;
  for (let i = 1; i < 200; i++) {
    term *= h / i;
    const t2 = term * term;
    sum += t2;
    if (t2 < sum * 1e-17) break;
  }
  return sum;
}
