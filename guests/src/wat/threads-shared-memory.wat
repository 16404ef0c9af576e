;; threads-shared-memory: a shared memory (threads proposal) and an atomic add on it. Valid with
;; threads enabled; the runner refuses it at load.
;; wat2wasm-flags: --enable-threads
(module
  (memory (export "memory") 1 1 shared)
  (func (export "_start")
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))))
