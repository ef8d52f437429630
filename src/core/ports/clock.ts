/** Time comes in as a port: core never calls `Date.now()`. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}
