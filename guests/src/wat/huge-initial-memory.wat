;; huge-initial-memory: declares 2000 initial pages (125 MiB), above the 64 MiB (1024-page) cap,
;; so the runner must refuse it at load instead of instantiating it.
(module
  (memory (export "memory") 2000)
  (func (export "_start")))
