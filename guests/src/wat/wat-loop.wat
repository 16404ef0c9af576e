;; wat-loop: the smallest possible infinite loop (loop + br, no calls, no memory access); only
;; fuel or the wall-clock timeout stops it.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever
      (br $forever))))
