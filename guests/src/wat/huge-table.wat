;; huge-table: declares a funcref table with 10,000,000 initial entries. Valid Wasm, but an
;; engine that allocates tables eagerly spends ~72 MiB of heap per instance on it, outside any
;; memory limit. The runner must refuse it at load.
(module
  (table 10000000 funcref)
  (memory (export "memory") 1)
  (func (export "_start")))
