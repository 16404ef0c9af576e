;; fd-read-huge-iovec: calls WASI fd_read on stdin with one iovec whose buf_len is 0x7FFFFFFF
;; (2 GiB) inside a 64 KiB memory, then writes "survived\n" to stdout and returns. It attacks
;; a host that allocates a buffer of the guest-supplied length before any bounds check
;; (Chicory 1.7.5's fd_read does `new byte[len]`). A safe host returns an error (e.g. EFAULT)
;; or reads only what fits, and the module then prints "survived".
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; offset 0: iovec for fd_read {buf = 256, buf_len = 0x7FFFFFFF}
  (data (i32.const 0) "\00\01\00\00\ff\ff\ff\7f")
  ;; offset 16: iovec for fd_write {buf = 32, buf_len = 9}
  (data (i32.const 16) "\20\00\00\00\09\00\00\00")
  (data (i32.const 32) "survived\n")
  (func (export "_start")
    ;; nread goes to offset 8; the errno result is deliberately ignored
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; nwritten goes to offset 24
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
