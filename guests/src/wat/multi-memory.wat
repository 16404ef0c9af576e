;; multi-memory: declares two memories and copies a word from one to the other. Valid with the
;; multi-memory proposal; the runner refuses it at load.
;; wat2wasm-flags: --enable-multi-memory
(module
  (memory $main (export "memory") 1)
  (memory $second 1)
  (func (export "_start")
    (i32.store $second (i32.const 0) (i32.load $main (i32.const 0)))))
