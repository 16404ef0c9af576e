;; simd: adds two v128 vectors and stores the result. Valid with the SIMD proposal (on by
;; default in wabt 1.0.32); the runner refuses SIMD modules at load.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (v128.store (i32.const 0)
      (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 40)))))
