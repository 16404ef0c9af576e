;; gc-types: declares a GC-proposal struct type and array type (final GC binary encoding:
;; 0x5f struct, 0x5e array). wabt 1.0.32 can encode these types (without packed i8/i16
;; fields) but no GC instructions such as array.new, so the module only declares them;
;; declaring them is what the runner refuses.
;; wat2wasm-flags: --enable-gc
(module
  (type $point (struct (field i32) (field i32)))
  (type $words (array (mut i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
