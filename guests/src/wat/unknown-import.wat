;; unknown-import: a WASI command that imports a host function no runner provides
;; (`env.launch_missiles`); the runner must refuse it at load, naming the import, instead of failing
;; on the first request.
(module
  (import "env" "launch_missiles" (func $launch (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $launch (i32.const 1))))
