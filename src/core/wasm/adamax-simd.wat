;; Keras-exact Adamax update in WebAssembly SIMD (f32x4), bit-identical to
;; src/core/kernels/adamax-update.ts. Built by scripts/build-wasm.mjs into
;; adamax-simd.generated.ts (npm run build:wasm).
;;
;; For i in [0, n), every operation a single IEEE float32 op, in Keras' order:
;;   m <- m + (g - m) * c1
;;   u <- max(beta2 * u, |g|)          (f32.max / f32x4.max propagate NaN, max(-0, +0) = +0,
;;                                      exactly like Math.max; NOT pmax)
;;   w <- w - (lr * m) / (k * (u + eps))
;; Subnormals are kept (wasm never flushes to zero). Any NaN payload may result.
;;
;; Pointers are byte addresses into the imported memory (multiples of 4; 16-byte alignment is
;; not needed). The caller sizes the memory; out-of-range access traps.
(module
  (import "env" "memory" (memory 0))

  (func (export "adamax")
    (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32)
    (param $lr f32) (param $c1 f32) (param $beta2 f32) (param $eps f32) (param $k f32)
    (local $i i32) (local $vecEnd i32) (local $end i32)
    (local $vlr v128) (local $vc1 v128) (local $vb2 v128) (local $veps v128) (local $vk v128)
    (local $vg v128) (local $vm v128) (local $vu v128)
    (local $sg f32) (local $sm f32) (local $su f32)

    ;; byte offsets: vector part [0, vecEnd), scalar tail [vecEnd, end)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))

    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vk (f32x4.splat (local.get $k)))

    (block $vdone
      (br_if $vdone (i32.eqz (local.get $vecEnd)))
      (loop $vloop
        (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (local.get $i))))
        ;; m <- m + (g - m) * c1
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        ;; u <- max(beta2 * u, |g|)
        (local.set $vu
          (f32x4.max
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (f32x4.abs (local.get $vg))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        ;; w <- w - (lr * m) / (k * (u + eps))
        (v128.store align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $vloop (i32.lt_u (local.get $i) (local.get $vecEnd)))))

    ;; scalar tail, same operations
    (block $sdone
      (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $sg (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $sm (f32.load (i32.add (local.get $m) (local.get $i))))
        (local.set $sm
          (f32.add (local.get $sm)
            (f32.mul (f32.sub (local.get $sg) (local.get $sm)) (local.get $c1))))
        (local.set $su
          (f32.max
            (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $u) (local.get $i))))
            (f32.abs (local.get $sg))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $sm))
        (f32.store (i32.add (local.get $u) (local.get $i)) (local.get $su))
        (f32.store (i32.add (local.get $w) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div
              (f32.mul (local.get $lr) (local.get $sm))
              (f32.mul (local.get $k) (f32.add (local.get $su) (local.get $eps))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sloop)))
  )
)
