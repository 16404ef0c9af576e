;; no-start: a valid module with a memory and no `_start` export, so it cannot be run as a WASI
;; command; the runner must report that clearly.
(module
  (memory (export "memory") 1))
