// A worker-side family for core's tests: the worker thread that loads it exits (process.exit) on its
// first E-step, as a worker killed by the system would. Plain JavaScript so that a worker can import it
// without a build step. Only `fromJSON` and `logDensityInto` are ever reached in the worker.
export const dying = () => ({
  name: 'test-normal',
  statistics: () => ({ empty: { w: 0, sx: 0, sxx: 0 }, concat: (a, b) => ({ w: a.w + b.w, sx: a.sx + b.sx, sxx: a.sxx + b.sxx }) }),
  fromJSON: (cs) => ({ _tag: 'Right', right: cs }),
  logDensityInto: () => process.exit(3),
})

// A worker-side family whose E-step throws: the error comes back as a reply.
export const throwing = () => ({
  name: 'test-normal',
  statistics: () => ({ empty: { w: 0, sx: 0, sxx: 0 }, concat: (a, b) => ({ w: a.w + b.w, sx: a.sx + b.sx, sxx: a.sxx + b.sxx }) }),
  fromJSON: (cs) => ({ _tag: 'Right', right: cs }),
  logDensityInto: () => {
    throw new Error('the kernel failed')
  },
})
