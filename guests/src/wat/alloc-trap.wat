;; alloc-trap: grows memory 1 MiB (16 pages) at a time, touching each new MiB, and executes
;; `unreachable` as soon as memory.grow fails (returns -1). Under the 64 MiB cap it traps after
;; 63 successful grows; the test for the cap expects a trap, not an exit.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (local $old i32)
    (loop $grow
      (local.set $old (memory.grow (i32.const 16)))
      (if (i32.eq (local.get $old) (i32.const -1))
        (then unreachable))
      ;; touch the first and last byte of the new MiB
      (i32.store8 (i32.mul (local.get $old) (i32.const 65536)) (i32.const 1))
      (i32.store8
        (i32.sub (i32.mul (i32.add (local.get $old) (i32.const 16)) (i32.const 65536))
                 (i32.const 1))
        (i32.const 1))
      (br $grow))))
