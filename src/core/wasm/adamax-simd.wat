;; The SIMD kernel module (WebAssembly fixed-width SIMD, f32x4), built by scripts/build-wasm.mjs
;; into adamax-simd.generated.ts (npm run build:wasm). Every kernel is bit-identical to its scalar
;; TypeScript reference: `adamax`, `adamax_finite` to src/core/kernels/adamax-update.ts; the frequency-domain
;; kernels (rfft_forward, rfft_inverse, spectral_mac, spectral_mac2, fd_gradient, project_partitions,
;; convex_output, fd_adamax_scaled) to src/core/kernels/fd-kernels-reference.ts. No fused multiply-add, no flush to zero: each lane of
;; an f32x4 op is the IEEE float32 op the reference rounds with Math.fround.
;;
;; Keras-exact Adamax update (`adamax`).
;; For i in [0, n), every operation a single IEEE float32 op, in Keras' order:
;;   m <- m + (g - m) * c1
;;   u <- max(beta2 * u, |g|)          (NaN propagates, max(-0, +0) = +0, exactly like Math.max)
;;   w <- w - (lr * m) / (k * (u + eps))
;; The vector loops of `adamax`, `adamax_ema` and `adamax_finite` compute that maximum as i32x4.max_u
;; of the bit patterns of beta2 * u and |g| (|g| as g AND 0x7fffffff). Float32 values with a clear
;; sign bit order like their bit patterns as unsigned integers, and every NaN lies above +Inf as an
;; unsigned pattern, so the result equals max(beta2 * u, |g|) bit for bit (up to the NaN payload)
;; whenever beta2 * u has a clear sign bit or is NaN. That holds on the kernels' state domain:
;; beta2 in [+0, 1] (AdamaxCore writes f32(beta2) + 0, so a -0 option becomes +0) and every u
;; >= +0, +Inf or NaN of either sign. The update keeps u there (max(., |g|) of such values), and
;; the only outside writers canonicalise: AdamaxCore.normalizeU turns a -0 written into u into
;; +0 (Adamax.loadState, the prior's state restore), which changes no later step, since
;; max(beta2 * -0, |g|) = max(+0, |g|) for every g. One pmaxud and one andps instead of the
;; NaN-propagating f32x4.max (eight instructions in V8 on x64). The scaled kernels below keep an abs
;; of beta2 * u. The scalar tails keep f32.max.
;; Layout of the three kernels: the scalar tail runs first and the vector loop is the function's last
;; code; `adamax` does 8 elements per iteration. Measured with V8 11.3 at 2^20 parameters,
;; interleaved with stream7_floor: 1.55x the floor before; leaving out the abs of beta2 * u alone, or
;; the tail-first layout alone, changed nothing; both together 1.3x; with the 8-element loop 1.22x.
;; Once k = f32(1 - beta1^t) is exactly 1 (t >= 165 at beta1 = 0.9), `adamax` runs $adamax_unit_k, the
;; same loop without the multiply by k (1 * x = x bit for bit): at 2^20, median of 8 interleaved
;; benchmark runs 1.23x the floor against 1.34x for the loop with the multiply. $adamax_unit_k does 32
;; elements per iteration, eight groups of 4 addressed by constant memarg offsets from one index, and
;; the last 0-3 groups of 8 before that loop. An A/B of the two compiled modules on one memory and the
;; same buffers (`node --import tsx bench/wasm-ab.ts --base 478bb43`, five runs, V8 11.3 on a 2-core
;; EPYC host with a 16 MiB L3): 0.83-0.99x the 8-element loop's time at 1e3, 1e5 and 2^18 parameters
;; (medians 0.90, 0.87, 0.96), 0.95-1.02x at 2^20 (bound by memory there); the k != 1 loop, unchanged,
;; 0.99-1.00x in the same harness.
;; Subnormals are kept (wasm never flushes to zero). Any NaN payload may result.
;;
;; Pointers are byte addresses into the imported memory (multiples of 4; 16-byte alignment is
;; not needed). The caller sizes the memory; out-of-range access traps.
;;
;; The Adamax kernels take their float32 scalars from a block in memory at byte address $s, not as
;; parameters (a JS caller then passes only integers, and no engine tier boxes a double to call):
;;   $s+0 lr   $s+4 c1   $s+8 beta2   $s+12 eps   $s+16 k   $s+20 mom   $s+24 om
;; (the slots of AdamaxScalars in src/core/kernels/adamax-scalars.ts; mom, om only for the EMA).
(module
  (import "env" "memory" (memory 0))

  (func (export "adamax")
    (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32) (param $s i32)
    (local $lr f32) (local $c1 f32) (local $beta2 f32) (local $eps f32) (local $k f32)
    (local $i i32) (local $vecEnd i32) (local $end i32)
    (local $vlr v128) (local $vc1 v128) (local $vb2 v128) (local $veps v128) (local $vk v128) (local $vabs v128)
    (local $vg v128) (local $vm v128) (local $vu v128)
    (local $sg f32) (local $sm f32) (local $su f32)

    (local.set $lr (f32.load offset=0 (local.get $s)))
    (local.set $c1 (f32.load offset=4 (local.get $s)))
    (local.set $beta2 (f32.load offset=8 (local.get $s)))
    (local.set $eps (f32.load offset=12 (local.get $s)))
    (local.set $k (f32.load offset=16 (local.get $s)))
    ;; byte offsets: vector part [0, vecEnd) in steps of 8 elements, scalar tail [vecEnd, end)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -32)))

    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $vabs (i32x4.splat (i32.const 0x7fffffff)))

    ;; the scalar tail [vecEnd, end) first, so that the vector loop is the function's last code (see the top)
    (local.set $i (local.get $vecEnd))
    ;; (same operations as the vector loop)
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
    ;; k = f32(1 - beta1^t) is exactly 1 once beta1^t < 2^-25 (t >= 165 at beta1 = 0.9): k * (u + eps)
    ;; is then u + eps bit for bit, and the loop without that multiply runs instead
    (if (f32.eq (local.get $k) (f32.const 1))
      (then
        (call $adamax_unit_k (local.get $w) (local.get $g) (local.get $m) (local.get $u) (local.get $vecEnd)
          (local.get $vlr) (local.get $vc1) (local.get $vb2) (local.get $veps))
        (return)))
    (local.set $i (i32.const 0))
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
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
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
        ;; the next 4 elements (8 per iteration)
        (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $vloop (i32.lt_u (local.get $i) (local.get $vecEnd)))))

  )

;; The vector loop of `adamax` for k = 1 (the same operations without the multiply by k), over
;; [0, vecEnd) bytes, 32 elements per iteration and up to three groups of 8 before; vecEnd is a multiple of 32.
  (func $adamax_unit_k
    (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $vecEnd i32)
    (param $vlr v128) (param $vc1 v128) (param $vb2 v128) (param $veps v128)
    (local $i i32) (local $bigEnd i32) (local $vg v128) (local $vm v128) (local $vu v128) (local $vabs v128)
    (local.set $vabs (i32x4.splat (i32.const 0x7fffffff)))
    ;; [bigEnd, vecEnd): the last 0-3 groups of 8 elements; then [0, bigEnd) in groups of 32, the last code
    (local.set $bigEnd (i32.and (local.get $vecEnd) (i32.const -128)))
    (local.set $i (local.get $bigEnd))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=16 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=16 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=16 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=16 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=16 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=16 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=16 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $rloop)))
    (local.set $i (i32.const 0))
    (block $vdone
      (br_if $vdone (i32.eqz (local.get $bigEnd)))
      (loop $vloop
        ;; elements i .. i+31: eight groups of 4 at constant offsets from the same addresses
        (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=16 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=16 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=16 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=16 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=16 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=16 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=16 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=32 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=32 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=32 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=32 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=32 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=32 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=32 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=48 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=48 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=48 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=48 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=48 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=48 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=48 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=64 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=64 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=64 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=64 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=64 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=64 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=64 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=80 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=80 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=80 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=80 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=80 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=80 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=80 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=96 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=96 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=96 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=96 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=96 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=96 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=96 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $vg (v128.load offset=112 align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load offset=112 align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load offset=112 align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store offset=112 align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store offset=112 align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        (v128.store offset=112 align=4 (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load offset=112 align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.add (local.get $vu) (local.get $veps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 128)))
        (br_if $vloop (i32.lt_u (local.get $i) (local.get $bigEnd)))))
  )

;; `adamax` fused with the weight EMA of the updated weights (Keras use_ema), one pass:
;;   ... w <- w - (lr * m) / (k * (u + eps)) ;  avg <- mom * avg + om * w   (om = f32(1 - mom))
  (func (export "adamax_ema")
    (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32) (param $s i32) (param $avg i32)
    (local $lr f32) (local $c1 f32) (local $beta2 f32) (local $eps f32) (local $k f32) (local $mom f32) (local $om f32)
    (local $i i32) (local $vecEnd i32) (local $end i32)
    (local $vlr v128) (local $vc1 v128) (local $vb2 v128) (local $veps v128) (local $vk v128) (local $vabs v128)
    (local $vg v128) (local $vm v128) (local $vu v128)
    (local $sg f32) (local $sm f32) (local $su f32) (local $sw f32)
    (local $vw v128) (local $vmom v128) (local $vom v128)

    (local.set $lr (f32.load offset=0 (local.get $s)))
    (local.set $c1 (f32.load offset=4 (local.get $s)))
    (local.set $beta2 (f32.load offset=8 (local.get $s)))
    (local.set $eps (f32.load offset=12 (local.get $s)))
    (local.set $k (f32.load offset=16 (local.get $s)))
    (local.set $mom (f32.load offset=20 (local.get $s)))
    (local.set $om (f32.load offset=24 (local.get $s)))
    ;; byte offsets: vector part [0, vecEnd), scalar tail [vecEnd, end)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))

    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $vabs (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $vmom (f32x4.splat (local.get $mom)))
    (local.set $vom (f32x4.splat (local.get $om)))

    ;; the scalar tail [vecEnd, end) first, so that the vector loop is the function's last code (see the top)
    (local.set $i (local.get $vecEnd))
    ;; (same operations as the vector loop)
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
        (local.set $sw
          (f32.sub
            (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div
              (f32.mul (local.get $lr) (local.get $sm))
              (f32.mul (local.get $k) (f32.add (local.get $su) (local.get $eps))))))
        (f32.store (i32.add (local.get $w) (local.get $i)) (local.get $sw))
        (f32.store (i32.add (local.get $avg) (local.get $i))
          (f32.add
            (f32.mul (local.get $mom) (f32.load (i32.add (local.get $avg) (local.get $i))))
            (f32.mul (local.get $om) (local.get $sw))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sloop)))
    (local.set $i (i32.const 0))
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
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (v128.store align=4 (i32.add (local.get $m) (local.get $i)) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
        ;; w <- w - (lr * m) / (k * (u + eps))
        (local.set $vw
          (f32x4.sub
            (v128.load align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        (v128.store align=4 (i32.add (local.get $w) (local.get $i)) (local.get $vw))
        ;; avg <- mom * avg + (1 - mom) * w
        (v128.store align=4 (i32.add (local.get $avg) (local.get $i))
          (f32x4.add
            (f32x4.mul (local.get $vmom) (v128.load align=4 (i32.add (local.get $avg) (local.get $i))))
            (f32x4.mul (local.get $vom) (local.get $vw))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $vloop (i32.lt_u (local.get $i) (local.get $vecEnd)))))

  )

  ;; Look-ahead of `adamax` / `adamax_ema`: the same float32 ops on the same inputs, nothing
  ;; stored; returns 1 when every new m, u, w (and, with $avg != 0, avg) would be finite, else 0.
  ;; Per element t = (m' - m') + (u' - u') + (w' - w') [+ (a' - a')] is +0 for finite values and
  ;; NaN as soon as one is NaN or +-Infinity; the sum over all elements stays +0 or becomes NaN.
  (func (export "adamax_finite")
    (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32) (param $s i32) (param $avg i32)
    (result i32)
    (local $lr f32) (local $c1 f32) (local $beta2 f32) (local $eps f32) (local $k f32) (local $mom f32) (local $om f32)
    (local $i i32) (local $vecEnd i32) (local $end i32)
    (local $vlr v128) (local $vc1 v128) (local $vb2 v128) (local $veps v128) (local $vk v128) (local $vabs v128)
    (local $vmom v128) (local $vom v128) (local $vg v128) (local $vm v128) (local $vu v128) (local $vw v128)
    (local $vt v128) (local $vacc v128)
    (local $sg f32) (local $sm f32) (local $su f32) (local $sw f32) (local $st f32) (local $sacc f32)
    (local.set $lr (f32.load offset=0 (local.get $s)))
    (local.set $c1 (f32.load offset=4 (local.get $s)))
    (local.set $beta2 (f32.load offset=8 (local.get $s)))
    (local.set $eps (f32.load offset=12 (local.get $s)))
    (local.set $k (f32.load offset=16 (local.get $s)))
    (local.set $mom (f32.load offset=20 (local.get $s)))
    (local.set $om (f32.load offset=24 (local.get $s)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $vabs (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $vmom (f32x4.splat (local.get $mom)))
    (local.set $vom (f32x4.splat (local.get $om)))
    ;; the scalar tail [vecEnd, end) first, so that the vector loop is the function's last code (see the top)
    (local.set $i (local.get $vecEnd))
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
        (local.set $sw
          (f32.sub
            (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div
              (f32.mul (local.get $lr) (local.get $sm))
              (f32.mul (local.get $k) (f32.add (local.get $su) (local.get $eps))))))
        (local.set $st
          (f32.add
            (f32.add (f32.sub (local.get $sm) (local.get $sm)) (f32.sub (local.get $su) (local.get $su)))
            (f32.sub (local.get $sw) (local.get $sw))))
        (if (local.get $avg) (then
          (local.set $sw
            (f32.add
              (f32.mul (local.get $mom) (f32.load (i32.add (local.get $avg) (local.get $i))))
              (f32.mul (local.get $om) (local.get $sw))))
          (local.set $st (f32.add (local.get $st) (f32.sub (local.get $sw) (local.get $sw))))))
        (local.set $sacc (f32.add (local.get $sacc) (local.get $st)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sloop)))
    (local.set $i (i32.const 0))
    (block $vdone
      (br_if $vdone (i32.eqz (local.get $vecEnd)))
      (loop $vloop
        (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (local.get $i))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (local.get $i))))
            (v128.and (local.get $vg) (local.get $vabs))))
        (local.set $vw
          (f32x4.sub
            (v128.load align=4 (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        (local.set $vt
          (f32x4.add
            (f32x4.add (f32x4.sub (local.get $vm) (local.get $vm)) (f32x4.sub (local.get $vu) (local.get $vu)))
            (f32x4.sub (local.get $vw) (local.get $vw))))
        (if (local.get $avg) (then
          (local.set $vw
            (f32x4.add
              (f32x4.mul (local.get $vmom) (v128.load align=4 (i32.add (local.get $avg) (local.get $i))))
              (f32x4.mul (local.get $vom) (local.get $vw))))
          (local.set $vt (f32x4.add (local.get $vt) (f32x4.sub (local.get $vw) (local.get $vw))))))
        (local.set $vacc (f32x4.add (local.get $vacc) (local.get $vt)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $vloop (i32.lt_u (local.get $i) (local.get $vecEnd)))))
    ;; all finite iff every lane of the vector sum and the scalar sum is still a number
    (i32.and
      (i32.eqz (v128.any_true (f32x4.ne (local.get $vacc) (local.get $vacc))))
      (f32.eq (local.get $sacc) (local.get $sacc)))
  )

  ;; `spectral_mac` for two weight sets on the same input ring, one pass over X:
  ;;   Y1[k] = sum_p W1_p[k] X_{s(p)}[k],  Y2[k] = sum_p W2_p[k] X_{s(p)}[k]
  ;; Each accumulator sees exactly the ops (and order) of `spectral_mac`: both are bit-identical to it.
  (func $spectral_mac2 (export "spectral_mac2") (param $yRe i32) (param $yIm i32) (param $wRe i32) (param $wIm i32)
    (param $y2Re i32) (param $y2Im i32) (param $w2Re i32) (param $w2Im i32)
    (param $xRe i32) (param $xIm i32) (param $head i32) (param $parts i32) (param $bins i32)
    (local $bins4 i32) (local $vecEnd i32) (local $k4 i32) (local $p i32) (local $slot i32) (local $wo i32) (local $xo i32)
    (local $wr v128) (local $wi v128) (local $ar v128) (local $ai v128)
    (local $sr f32) (local $si f32) (local $s2r f32) (local $s2i f32) (local $swr f32) (local $swi f32) (local $sar f32) (local $sai f32)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    ;; vector part, partition by partition (each array read front to back: a prefetcher follows
    ;; the streams), the four sums kept in the outputs: per bin the same ops in the same p order
    (block $zd (loop $zl
      (br_if $zd (i32.ge_u (local.get $k4) (local.get $vecEnd)))
      (v128.store align=4 (i32.add (local.get $yRe) (local.get $k4)) (v128.const i32x4 0 0 0 0))
      (v128.store align=4 (i32.add (local.get $yIm) (local.get $k4)) (v128.const i32x4 0 0 0 0))
      (v128.store align=4 (i32.add (local.get $y2Re) (local.get $k4)) (v128.const i32x4 0 0 0 0))
      (v128.store align=4 (i32.add (local.get $y2Im) (local.get $k4)) (v128.const i32x4 0 0 0 0))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $zl)))
    (local.set $slot (local.get $head))
    (block $pd (loop $pl
      (br_if $pd (i32.ge_u (local.get $p) (local.get $parts)))
      (local.set $wo (i32.mul (local.get $p) (local.get $bins4)))
      (local.set $xo (i32.mul (local.get $slot) (local.get $bins4)))
      (local.set $k4 (i32.const 0))
      (block $vd (loop $vl
        (br_if $vd (i32.ge_u (local.get $k4) (local.get $vecEnd)))
        (local.set $ar (v128.load align=4 (i32.add (local.get $xRe) (i32.add (local.get $xo) (local.get $k4)))))
        (local.set $ai (v128.load align=4 (i32.add (local.get $xIm) (i32.add (local.get $xo) (local.get $k4)))))
        (local.set $wr (v128.load align=4 (i32.add (local.get $wRe) (i32.add (local.get $wo) (local.get $k4)))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $wIm) (i32.add (local.get $wo) (local.get $k4)))))
        (v128.store align=4 (i32.add (local.get $yRe) (local.get $k4)) (f32x4.add (v128.load align=4 (i32.add (local.get $yRe) (local.get $k4)))
          (f32x4.sub (f32x4.mul (local.get $wr) (local.get $ar)) (f32x4.mul (local.get $wi) (local.get $ai)))))
        (v128.store align=4 (i32.add (local.get $yIm) (local.get $k4)) (f32x4.add (v128.load align=4 (i32.add (local.get $yIm) (local.get $k4)))
          (f32x4.add (f32x4.mul (local.get $wr) (local.get $ai)) (f32x4.mul (local.get $wi) (local.get $ar)))))
        (local.set $wr (v128.load align=4 (i32.add (local.get $w2Re) (i32.add (local.get $wo) (local.get $k4)))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $w2Im) (i32.add (local.get $wo) (local.get $k4)))))
        (v128.store align=4 (i32.add (local.get $y2Re) (local.get $k4)) (f32x4.add (v128.load align=4 (i32.add (local.get $y2Re) (local.get $k4)))
          (f32x4.sub (f32x4.mul (local.get $wr) (local.get $ar)) (f32x4.mul (local.get $wi) (local.get $ai)))))
        (v128.store align=4 (i32.add (local.get $y2Im) (local.get $k4)) (f32x4.add (v128.load align=4 (i32.add (local.get $y2Im) (local.get $k4)))
          (f32x4.add (f32x4.mul (local.get $wr) (local.get $ai)) (f32x4.mul (local.get $wi) (local.get $ar)))))
        (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
        (br $vl)))
      (local.set $slot (select (i32.sub (local.get $parts) (i32.const 1)) (i32.sub (local.get $slot) (i32.const 1))
        (i32.eqz (local.get $slot))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pl)))
    ;; scalar tail, bin by bin
    (local.set $k4 (local.get $vecEnd))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $bins4)))
      (local.set $sr (f32.const 0))
      (local.set $si (f32.const 0))
      (local.set $s2r (f32.const 0))
      (local.set $s2i (f32.const 0))
      (local.set $p (i32.const 0))
      (local.set $slot (local.get $head))
      (block $pd2 (loop $pl2
        (br_if $pd2 (i32.ge_u (local.get $p) (local.get $parts)))
        (local.set $wo (i32.add (i32.mul (local.get $p) (local.get $bins4)) (local.get $k4)))
        (local.set $xo (i32.add (i32.mul (local.get $slot) (local.get $bins4)) (local.get $k4)))
        (local.set $sar (f32.load (i32.add (local.get $xRe) (local.get $xo))))
        (local.set $sai (f32.load (i32.add (local.get $xIm) (local.get $xo))))
        (local.set $swr (f32.load (i32.add (local.get $wRe) (local.get $wo))))
        (local.set $swi (f32.load (i32.add (local.get $wIm) (local.get $wo))))
        (local.set $sr (f32.add (local.get $sr)
          (f32.sub (f32.mul (local.get $swr) (local.get $sar)) (f32.mul (local.get $swi) (local.get $sai)))))
        (local.set $si (f32.add (local.get $si)
          (f32.add (f32.mul (local.get $swr) (local.get $sai)) (f32.mul (local.get $swi) (local.get $sar)))))
        (local.set $swr (f32.load (i32.add (local.get $w2Re) (local.get $wo))))
        (local.set $swi (f32.load (i32.add (local.get $w2Im) (local.get $wo))))
        (local.set $s2r (f32.add (local.get $s2r)
          (f32.sub (f32.mul (local.get $swr) (local.get $sar)) (f32.mul (local.get $swi) (local.get $sai)))))
        (local.set $s2i (f32.add (local.get $s2i)
          (f32.add (f32.mul (local.get $swr) (local.get $sai)) (f32.mul (local.get $swi) (local.get $sar)))))
        (local.set $slot (select (i32.sub (local.get $parts) (i32.const 1)) (i32.sub (local.get $slot) (i32.const 1))
          (i32.eqz (local.get $slot))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pl2)))
      (f32.store (i32.add (local.get $yRe) (local.get $k4)) (local.get $sr))
      (f32.store (i32.add (local.get $yIm) (local.get $k4)) (local.get $si))
      (f32.store (i32.add (local.get $y2Re) (local.get $k4)) (local.get $s2r))
      (f32.store (i32.add (local.get $y2Im) (local.get $k4)) (local.get $s2i))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl)))
  )

  ;; ===================================================================================
  ;; Real FFT, float32. N = 2m real samples <-> m + 1 bins; an m-point complex radix-2
  ;; transform of z[n] = x[2n] + i x[2n+1], then the split X[k] = E[k] + W_N^k O[k].
  ;; Forward unscaled, inverse scaled by 1/N (numpy conventions). Every operation one f32 op,
  ;; in the order of the TypeScript reference (src/core/kernels/fd-kernels-reference.ts).
  ;;
  ;; Table block at $tab for complex size m (written by writeFftTables, 32m + 32 bytes):
  ;;   rev  i32[m]    @ tab            bit reversal of 0..m-1
  ;;   twr  f32[m]    @ tab + 4m       stage twiddles cos(pi j/h); stage h at index h-1+j
  ;;   twf  f32[m]    @ tab + 8m       -sin(pi j/h) (forward)
  ;;   twi  f32[m]    @ tab + 12m      +sin(pi j/h) (inverse)
  ;;   cosN f32[m+4]  @ tab + 16m      cos(2 pi k/N), k = 0..m
  ;;   sinN f32[m+4]  @ tab + 20m + 16 sin(2 pi k/N)
  ;;   zr   f32[m]    @ tab + 24m + 32 scratch
  ;;   zi   f32[m]    @ tab + 28m + 32 scratch
  ;; ===================================================================================

  ;; One radix-2 stage of half-length $h (elements) with j outer, scalar (h < 4).
  (func $stage_scalar (param $zr i32) (param $zi i32) (param $twr i32) (param $tw i32) (param $m4 i32) (param $h i32)
    (local $h4 i32) (local $len4 i32) (local $off4 i32) (local $j4 i32) (local $a i32) (local $b i32)
    (local $wr f32) (local $wi f32) (local $xr f32) (local $xi f32) (local $tr f32) (local $ti f32)
    (local $ar f32) (local $ai f32)
    (local.set $h4 (i32.shl (local.get $h) (i32.const 2)))
    (local.set $len4 (i32.shl (local.get $h4) (i32.const 1)))
    (local.set $off4 (i32.sub (local.get $h4) (i32.const 4)))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j4) (local.get $h4)))
      (local.set $wr (f32.load (i32.add (local.get $twr) (i32.add (local.get $off4) (local.get $j4)))))
      (local.set $wi (f32.load (i32.add (local.get $tw) (i32.add (local.get $off4) (local.get $j4)))))
      (local.set $a (local.get $j4))
      (block $ad (loop $al
        (br_if $ad (i32.ge_u (local.get $a) (local.get $m4)))
        (local.set $b (i32.add (local.get $a) (local.get $h4)))
        (local.set $xr (f32.load (i32.add (local.get $zr) (local.get $b))))
        (local.set $xi (f32.load (i32.add (local.get $zi) (local.get $b))))
        (local.set $tr (f32.sub (f32.mul (local.get $wr) (local.get $xr)) (f32.mul (local.get $wi) (local.get $xi))))
        (local.set $ti (f32.add (f32.mul (local.get $wr) (local.get $xi)) (f32.mul (local.get $wi) (local.get $xr))))
        (local.set $ar (f32.load (i32.add (local.get $zr) (local.get $a))))
        (local.set $ai (f32.load (i32.add (local.get $zi) (local.get $a))))
        (f32.store (i32.add (local.get $zr) (local.get $b)) (f32.sub (local.get $ar) (local.get $tr)))
        (f32.store (i32.add (local.get $zi) (local.get $b)) (f32.sub (local.get $ai) (local.get $ti)))
        (f32.store (i32.add (local.get $zr) (local.get $a)) (f32.add (local.get $ar) (local.get $tr)))
        (f32.store (i32.add (local.get $zi) (local.get $a)) (f32.add (local.get $ai) (local.get $ti)))
        (local.set $a (i32.add (local.get $a) (local.get $len4)))
        (br $al)))
      (local.set $j4 (i32.add (local.get $j4) (i32.const 4)))
      (br $jl)))
  )

  ;; The same stage for h >= 4, four butterflies (j .. j+3) per f32x4 op.
  (func $stage_simd (param $zr i32) (param $zi i32) (param $twr i32) (param $tw i32) (param $m4 i32) (param $h i32)
    (local $h4 i32) (local $len4 i32) (local $off4 i32) (local $j4 i32) (local $start i32) (local $a i32) (local $b i32)
    (local $wr v128) (local $wi v128) (local $xr v128) (local $xi v128) (local $tr v128) (local $ti v128)
    (local $ar v128) (local $ai v128)
    (local.set $h4 (i32.shl (local.get $h) (i32.const 2)))
    (local.set $len4 (i32.shl (local.get $h4) (i32.const 1)))
    (local.set $off4 (i32.sub (local.get $h4) (i32.const 4)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $start) (local.get $m4)))
      (local.set $j4 (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $j4) (local.get $h4)))
        (local.set $wr (v128.load align=4 (i32.add (local.get $twr) (i32.add (local.get $off4) (local.get $j4)))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $tw) (i32.add (local.get $off4) (local.get $j4)))))
        (local.set $a (i32.add (local.get $start) (local.get $j4)))
        (local.set $b (i32.add (local.get $a) (local.get $h4)))
        (local.set $xr (v128.load align=4 (i32.add (local.get $zr) (local.get $b))))
        (local.set $xi (v128.load align=4 (i32.add (local.get $zi) (local.get $b))))
        (local.set $tr (f32x4.sub (f32x4.mul (local.get $wr) (local.get $xr)) (f32x4.mul (local.get $wi) (local.get $xi))))
        (local.set $ti (f32x4.add (f32x4.mul (local.get $wr) (local.get $xi)) (f32x4.mul (local.get $wi) (local.get $xr))))
        (local.set $ar (v128.load align=4 (i32.add (local.get $zr) (local.get $a))))
        (local.set $ai (v128.load align=4 (i32.add (local.get $zi) (local.get $a))))
        (v128.store align=4 (i32.add (local.get $zr) (local.get $b)) (f32x4.sub (local.get $ar) (local.get $tr)))
        (v128.store align=4 (i32.add (local.get $zi) (local.get $b)) (f32x4.sub (local.get $ai) (local.get $ti)))
        (v128.store align=4 (i32.add (local.get $zr) (local.get $a)) (f32x4.add (local.get $ar) (local.get $tr)))
        (v128.store align=4 (i32.add (local.get $zi) (local.get $a)) (f32x4.add (local.get $ai) (local.get $ti)))
        (local.set $j4 (i32.add (local.get $j4) (i32.const 16)))
        (br $jl)))
      (local.set $start (i32.add (local.get $start) (local.get $len4)))
      (br $sl)))
  )

;; Stages h = 1 and h = 2 together for m >= 8, on 8 elements (two f32x4) at a time: the lanes
  ;; are regrouped with shuffles so that each f32x4 op does four butterflies of one stage.
  (func $stages12_simd (param $zr i32) (param $zi i32) (param $twr i32) (param $tw i32) (param $m4 i32)
    (local $a i32) (local $w1r v128) (local $w1i v128) (local $w2r v128) (local $w2i v128)
    (local $ar v128) (local $ai v128) (local $br v128) (local $bi v128)
    (local $er v128) (local $ei v128) (local $or v128) (local $oi v128) (local $tr v128) (local $ti v128)
    (local.set $w1r (v128.load32_splat (local.get $twr)))
    (local.set $w1i (v128.load32_splat (local.get $tw)))
    (local.set $w2r (v128.load64_splat align=4 (i32.add (local.get $twr) (i32.const 4))))
    (local.set $w2i (v128.load64_splat align=4 (i32.add (local.get $tw) (i32.const 4))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $a) (local.get $m4)))
      (local.set $ar (v128.load align=4 (i32.add (local.get $zr) (local.get $a))))
      (local.set $br (v128.load align=4 (i32.add (local.get $zr) (i32.add (local.get $a) (i32.const 16)))))
      (local.set $ai (v128.load align=4 (i32.add (local.get $zi) (local.get $a))))
      (local.set $bi (v128.load align=4 (i32.add (local.get $zi) (i32.add (local.get $a) (i32.const 16)))))
      ;; h = 1: pairs (0,1) (2,3) (4,5) (6,7): e = even lanes, o = odd lanes
      (local.set $er (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $ar) (local.get $br)))
      (local.set $or (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $ar) (local.get $br)))
      (local.set $ei (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $ai) (local.get $bi)))
      (local.set $oi (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $ai) (local.get $bi)))
      (local.set $tr (f32x4.sub (f32x4.mul (local.get $w1r) (local.get $or)) (f32x4.mul (local.get $w1i) (local.get $oi))))
      (local.set $ti (f32x4.add (f32x4.mul (local.get $w1r) (local.get $oi)) (f32x4.mul (local.get $w1i) (local.get $or))))
      (local.set $or (f32x4.sub (local.get $er) (local.get $tr)))
      (local.set $oi (f32x4.sub (local.get $ei) (local.get $ti)))
      (local.set $er (f32x4.add (local.get $er) (local.get $tr)))
      (local.set $ei (f32x4.add (local.get $ei) (local.get $ti)))
      ;; back to element order: a = [e0 o0 e1 o1], b = [e2 o2 e3 o3]
      (local.set $ar (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $er) (local.get $or)))
      (local.set $br (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $er) (local.get $or)))
      (local.set $ai (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $ei) (local.get $oi)))
      (local.set $bi (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $ei) (local.get $oi)))
      ;; h = 2: pairs (0,2) (1,3) (4,6) (5,7) with twiddles j = 0, 1, 0, 1: e = [0 1 4 5], o = [2 3 6 7]
      (local.set $er (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ar) (local.get $br)))
      (local.set $or (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ar) (local.get $br)))
      (local.set $ei (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ai) (local.get $bi)))
      (local.set $oi (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ai) (local.get $bi)))
      (local.set $tr (f32x4.sub (f32x4.mul (local.get $w2r) (local.get $or)) (f32x4.mul (local.get $w2i) (local.get $oi))))
      (local.set $ti (f32x4.add (f32x4.mul (local.get $w2r) (local.get $oi)) (f32x4.mul (local.get $w2i) (local.get $or))))
      (local.set $or (f32x4.sub (local.get $er) (local.get $tr)))
      (local.set $oi (f32x4.sub (local.get $ei) (local.get $ti)))
      (local.set $er (f32x4.add (local.get $er) (local.get $tr)))
      (local.set $ei (f32x4.add (local.get $ei) (local.get $ti)))
      ;; a = [e0 e1 o0 o1], b = [e2 e3 o2 o3]
      (v128.store align=4 (i32.add (local.get $zr) (local.get $a))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $er) (local.get $or)))
      (v128.store align=4 (i32.add (local.get $zr) (i32.add (local.get $a) (i32.const 16)))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $er) (local.get $or)))
      (v128.store align=4 (i32.add (local.get $zi) (local.get $a))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ei) (local.get $oi)))
      (v128.store align=4 (i32.add (local.get $zi) (i32.add (local.get $a) (i32.const 16)))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ei) (local.get $oi)))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (br $l)))
  )

  ;; All stages h = 1, 2, 4, ... < m on the bit-reversed (zr, zi); $tw = twf or twi.
  (func $butterflies (param $zr i32) (param $zi i32) (param $twr i32) (param $tw i32) (param $m i32)
    (local $h i32) (local $m4 i32)
    (local.set $m4 (i32.shl (local.get $m) (i32.const 2)))
    (local.set $h (i32.const 1))
    (if (i32.ge_u (local.get $m) (i32.const 8)) (then
      (call $stages12_simd (local.get $zr) (local.get $zi) (local.get $twr) (local.get $tw) (local.get $m4))
      (local.set $h (i32.const 4))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $h) (local.get $m)))
      (if (i32.lt_u (local.get $h) (i32.const 4))
        (then
          (call $stage_scalar (local.get $zr) (local.get $zi) (local.get $twr) (local.get $tw) (local.get $m4) (local.get $h))
          (local.set $h (i32.shl (local.get $h) (i32.const 1))))
        (else (if (i32.le_u (i32.shl (local.get $h) (i32.const 2)) (local.get $m))
          (then
            (call $stage_pair_simd (local.get $zr) (local.get $zi) (local.get $twr) (local.get $tw) (local.get $m4) (local.get $h))
            (local.set $h (i32.shl (local.get $h) (i32.const 2))))
          (else
            (call $stage_simd (local.get $zr) (local.get $zi) (local.get $twr) (local.get $tw) (local.get $m4) (local.get $h))
            (local.set $h (i32.shl (local.get $h) (i32.const 1)))))))
      (br $l)))
  )

  ;; Stages h and 2h together (h >= 4, 4h <= m): each pass loads four f32x4 of a block of 4h
  ;; elements (a0 = start + j, a1 = a0 + h, a2 = a0 + 2h, a3 = a0 + 3h, j .. j+3), does stage h's
  ;; butterflies (a0, a1) and (a2, a3) with twiddle j, then stage 2h's (a0, a2) with twiddle j and
  ;; (a1, a3) with twiddle h + j, and stores them: the butterflies of $stage_simd, each with the same
  ;; operands and ops, with half the loads and stores.
  (func $stage_pair_simd (param $zr i32) (param $zi i32) (param $twr i32) (param $tw i32) (param $m4 i32) (param $h i32)
    (local $h4 i32) (local $len4 i32) (local $off1 i32) (local $off2 i32) (local $start i32) (local $j4 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $wr v128) (local $wi v128) (local $tr v128) (local $ti v128)
    (local $r0 v128) (local $i0 v128) (local $r1 v128) (local $i1 v128)
    (local $r2 v128) (local $i2 v128) (local $r3 v128) (local $i3 v128)
    (local.set $h4 (i32.shl (local.get $h) (i32.const 2)))
    (local.set $len4 (i32.shl (local.get $h4) (i32.const 2)))
    (local.set $off1 (i32.sub (local.get $h4) (i32.const 4)))
    (local.set $off2 (i32.sub (i32.shl (local.get $h4) (i32.const 1)) (i32.const 4)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $start) (local.get $m4)))
      (local.set $j4 (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_u (local.get $j4) (local.get $h4)))
        (local.set $a0 (i32.add (local.get $start) (local.get $j4)))
        (local.set $a1 (i32.add (local.get $a0) (local.get $h4)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $h4)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $h4)))
        (local.set $r0 (v128.load align=4 (i32.add (local.get $zr) (local.get $a0))))
        (local.set $i0 (v128.load align=4 (i32.add (local.get $zi) (local.get $a0))))
        (local.set $r1 (v128.load align=4 (i32.add (local.get $zr) (local.get $a1))))
        (local.set $i1 (v128.load align=4 (i32.add (local.get $zi) (local.get $a1))))
        (local.set $r2 (v128.load align=4 (i32.add (local.get $zr) (local.get $a2))))
        (local.set $i2 (v128.load align=4 (i32.add (local.get $zi) (local.get $a2))))
        (local.set $r3 (v128.load align=4 (i32.add (local.get $zr) (local.get $a3))))
        (local.set $i3 (v128.load align=4 (i32.add (local.get $zi) (local.get $a3))))
        ;; stage h, twiddle j: (a0, a1), (a2, a3)
        (local.set $wr (v128.load align=4 (i32.add (local.get $twr) (i32.add (local.get $off1) (local.get $j4)))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $tw) (i32.add (local.get $off1) (local.get $j4)))))
        (local.set $tr (f32x4.sub (f32x4.mul (local.get $wr) (local.get $r1)) (f32x4.mul (local.get $wi) (local.get $i1))))
        (local.set $ti (f32x4.add (f32x4.mul (local.get $wr) (local.get $i1)) (f32x4.mul (local.get $wi) (local.get $r1))))
        (local.set $r1 (f32x4.sub (local.get $r0) (local.get $tr)))
        (local.set $i1 (f32x4.sub (local.get $i0) (local.get $ti)))
        (local.set $r0 (f32x4.add (local.get $r0) (local.get $tr)))
        (local.set $i0 (f32x4.add (local.get $i0) (local.get $ti)))
        (local.set $tr (f32x4.sub (f32x4.mul (local.get $wr) (local.get $r3)) (f32x4.mul (local.get $wi) (local.get $i3))))
        (local.set $ti (f32x4.add (f32x4.mul (local.get $wr) (local.get $i3)) (f32x4.mul (local.get $wi) (local.get $r3))))
        (local.set $r3 (f32x4.sub (local.get $r2) (local.get $tr)))
        (local.set $i3 (f32x4.sub (local.get $i2) (local.get $ti)))
        (local.set $r2 (f32x4.add (local.get $r2) (local.get $tr)))
        (local.set $i2 (f32x4.add (local.get $i2) (local.get $ti)))
        ;; stage 2h: (a0, a2) with twiddle j
        (local.set $wr (v128.load align=4 (i32.add (local.get $twr) (i32.add (local.get $off2) (local.get $j4)))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $tw) (i32.add (local.get $off2) (local.get $j4)))))
        (local.set $tr (f32x4.sub (f32x4.mul (local.get $wr) (local.get $r2)) (f32x4.mul (local.get $wi) (local.get $i2))))
        (local.set $ti (f32x4.add (f32x4.mul (local.get $wr) (local.get $i2)) (f32x4.mul (local.get $wi) (local.get $r2))))
        (v128.store align=4 (i32.add (local.get $zr) (local.get $a2)) (f32x4.sub (local.get $r0) (local.get $tr)))
        (v128.store align=4 (i32.add (local.get $zi) (local.get $a2)) (f32x4.sub (local.get $i0) (local.get $ti)))
        (v128.store align=4 (i32.add (local.get $zr) (local.get $a0)) (f32x4.add (local.get $r0) (local.get $tr)))
        (v128.store align=4 (i32.add (local.get $zi) (local.get $a0)) (f32x4.add (local.get $i0) (local.get $ti)))
        ;; stage 2h: (a1, a3) with twiddle h + j
        (local.set $wr (v128.load align=4 (i32.add (local.get $twr) (i32.add (local.get $off2) (i32.add (local.get $h4) (local.get $j4))))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $tw) (i32.add (local.get $off2) (i32.add (local.get $h4) (local.get $j4))))))
        (local.set $tr (f32x4.sub (f32x4.mul (local.get $wr) (local.get $r3)) (f32x4.mul (local.get $wi) (local.get $i3))))
        (local.set $ti (f32x4.add (f32x4.mul (local.get $wr) (local.get $i3)) (f32x4.mul (local.get $wi) (local.get $r3))))
        (v128.store align=4 (i32.add (local.get $zr) (local.get $a3)) (f32x4.sub (local.get $r1) (local.get $tr)))
        (v128.store align=4 (i32.add (local.get $zi) (local.get $a3)) (f32x4.sub (local.get $i1) (local.get $ti)))
        (v128.store align=4 (i32.add (local.get $zr) (local.get $a1)) (f32x4.add (local.get $r1) (local.get $tr)))
        (v128.store align=4 (i32.add (local.get $zi) (local.get $a1)) (f32x4.add (local.get $i1) (local.get $ti)))
        (local.set $j4 (i32.add (local.get $j4) (i32.const 16)))
        (br $jl)))
      (local.set $start (i32.add (local.get $start) (local.get $len4)))
      (br $sl)))
  )

  ;; Forward real FFT: x[0..2m) -> re, im [0..m] (im[0] = im[m] = 0).
  (func $rfft_forward (export "rfft_forward") (param $x i32) (param $re i32) (param $im i32) (param $tab i32) (param $m i32)
    (local $m4 i32) (local $zr i32) (local $zi i32) (local $cosN i32) (local $sinN i32)
    (local $j4 i32) (local $r4 i32) (local $k4 i32) (local $mk4 i32)
    (local $ar f32) (local $ai f32) (local $br f32) (local $bi f32) (local $er f32) (local $ei f32)
    (local $or f32) (local $oi f32) (local $wr f32) (local $wi f32) (local $z0r f32) (local $z0i f32)
    (local $var v128) (local $vai v128) (local $vbr v128) (local $vbi v128) (local $ver v128) (local $vei v128)
    (local $vor v128) (local $voi v128) (local $vwr v128) (local $vwi v128) (local $vhalf v128) (local $vmhalf v128)
    (local.set $m4 (i32.shl (local.get $m) (i32.const 2)))
    (local.set $cosN (i32.add (local.get $tab) (i32.shl (local.get $m4) (i32.const 2))))
    (local.set $sinN (i32.add (local.get $cosN) (i32.add (local.get $m4) (i32.const 16))))
    (local.set $zr (i32.add (local.get $sinN) (i32.add (local.get $m4) (i32.const 16))))
    (local.set $zi (i32.add (local.get $zr) (local.get $m4)))
    (local.set $vhalf (f32x4.splat (f32.const 0.5)))
    (local.set $vmhalf (f32x4.splat (f32.const -0.5)))
    ;; bit-reversed load of the packed pairs
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $j4) (local.get $m4)))
      (local.set $r4 (i32.shl (i32.load (i32.add (local.get $tab) (local.get $j4))) (i32.const 2)))
      (f32.store (i32.add (local.get $zr) (local.get $r4))
        (f32.load (i32.add (local.get $x) (i32.shl (local.get $j4) (i32.const 1)))))
      (f32.store (i32.add (local.get $zi) (local.get $r4))
        (f32.load (i32.add (local.get $x) (i32.add (i32.shl (local.get $j4) (i32.const 1)) (i32.const 4)))))
      (local.set $j4 (i32.add (local.get $j4) (i32.const 4)))
      (br $l)))
    (call $butterflies (local.get $zr) (local.get $zi)
      (i32.add (local.get $tab) (local.get $m4))
      (i32.add (local.get $tab) (i32.shl (local.get $m4) (i32.const 1)))
      (local.get $m))
    (local.set $z0r (f32.load (local.get $zr)))
    (local.set $z0i (f32.load (local.get $zi)))
    (f32.store (local.get $re) (f32.add (local.get $z0r) (local.get $z0i)))
    (f32.store (local.get $im) (f32.const 0))
    (f32.store (i32.add (local.get $re) (local.get $m4)) (f32.sub (local.get $z0r) (local.get $z0i)))
    (f32.store (i32.add (local.get $im) (local.get $m4)) (f32.const 0))
    ;; split, k = 1..m-1: four bins per f32x4 op while k + 3 <= m - 1 (Z[m-k] read lane-reversed)
    (local.set $k4 (i32.const 4))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (i32.add (local.get $k4) (i32.const 12)) (local.get $m4)))
      (local.set $mk4 (i32.sub (i32.sub (local.get $m4) (local.get $k4)) (i32.const 12)))
      (local.set $var (v128.load align=4 (i32.add (local.get $zr) (local.get $k4))))
      (local.set $vai (v128.load align=4 (i32.add (local.get $zi) (local.get $k4))))
      (local.set $vbr (v128.load align=4 (i32.add (local.get $zr) (local.get $mk4))))
      (local.set $vbr (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $vbr) (local.get $vbr)))
      (local.set $vbi (v128.load align=4 (i32.add (local.get $zi) (local.get $mk4))))
      (local.set $vbi (f32x4.neg (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $vbi) (local.get $vbi))))
      (local.set $ver (f32x4.mul (local.get $vhalf) (f32x4.add (local.get $var) (local.get $vbr))))
      (local.set $vei (f32x4.mul (local.get $vhalf) (f32x4.add (local.get $vai) (local.get $vbi))))
      (local.set $vor (f32x4.mul (local.get $vhalf) (f32x4.sub (local.get $vai) (local.get $vbi))))
      (local.set $voi (f32x4.mul (local.get $vmhalf) (f32x4.sub (local.get $var) (local.get $vbr))))
      (local.set $vwr (v128.load align=4 (i32.add (local.get $cosN) (local.get $k4))))
      (local.set $vwi (f32x4.neg (v128.load align=4 (i32.add (local.get $sinN) (local.get $k4)))))
      (v128.store align=4 (i32.add (local.get $re) (local.get $k4))
        (f32x4.add (local.get $ver)
          (f32x4.sub (f32x4.mul (local.get $vwr) (local.get $vor)) (f32x4.mul (local.get $vwi) (local.get $voi)))))
      (v128.store align=4 (i32.add (local.get $im) (local.get $k4))
        (f32x4.add (local.get $vei)
          (f32x4.add (f32x4.mul (local.get $vwr) (local.get $voi)) (f32x4.mul (local.get $vwi) (local.get $vor)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $m4)))
      (local.set $mk4 (i32.sub (local.get $m4) (local.get $k4)))
      (local.set $ar (f32.load (i32.add (local.get $zr) (local.get $k4))))
      (local.set $ai (f32.load (i32.add (local.get $zi) (local.get $k4))))
      (local.set $br (f32.load (i32.add (local.get $zr) (local.get $mk4))))
      (local.set $bi (f32.neg (f32.load (i32.add (local.get $zi) (local.get $mk4)))))
      (local.set $er (f32.mul (f32.const 0.5) (f32.add (local.get $ar) (local.get $br))))
      (local.set $ei (f32.mul (f32.const 0.5) (f32.add (local.get $ai) (local.get $bi))))
      (local.set $or (f32.mul (f32.const 0.5) (f32.sub (local.get $ai) (local.get $bi))))
      (local.set $oi (f32.mul (f32.const -0.5) (f32.sub (local.get $ar) (local.get $br))))
      (local.set $wr (f32.load (i32.add (local.get $cosN) (local.get $k4))))
      (local.set $wi (f32.neg (f32.load (i32.add (local.get $sinN) (local.get $k4)))))
      (f32.store (i32.add (local.get $re) (local.get $k4))
        (f32.add (local.get $er)
          (f32.sub (f32.mul (local.get $wr) (local.get $or)) (f32.mul (local.get $wi) (local.get $oi)))))
      (f32.store (i32.add (local.get $im) (local.get $k4))
        (f32.add (local.get $ei)
          (f32.add (f32.mul (local.get $wr) (local.get $oi)) (f32.mul (local.get $wi) (local.get $or)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl)))
  )

  ;; Inverse real FFT: re, im [0..m] (Hermitian; im[0], im[m] ignored) -> x[0..2m), scaled by 1/N.
  (func $rfft_inverse (export "rfft_inverse") (param $re i32) (param $im i32) (param $x i32) (param $tab i32) (param $m i32)
    (local $m4 i32) (local $zr i32) (local $zi i32) (local $cosN i32) (local $sinN i32)
    (local $j4 i32) (local $r4 i32) (local $k4 i32) (local $mk4 i32)
    (local $ar f32) (local $ai f32) (local $br f32) (local $bi f32) (local $er f32) (local $ei f32)
    (local $dr f32) (local $di f32) (local $or f32) (local $oi f32) (local $wr f32) (local $wi f32) (local $s f32)
    (local $var v128) (local $vai v128) (local $vbr v128) (local $vbi v128) (local $ver v128) (local $vei v128)
    (local $vdr v128) (local $vdi v128) (local $vor v128) (local $voi v128) (local $vwr v128) (local $vwi v128)
    (local $vzr v128) (local $vzi v128) (local $vhalf v128)
    (local.set $m4 (i32.shl (local.get $m) (i32.const 2)))
    (local.set $cosN (i32.add (local.get $tab) (i32.shl (local.get $m4) (i32.const 2))))
    (local.set $sinN (i32.add (local.get $cosN) (i32.add (local.get $m4) (i32.const 16))))
    (local.set $zr (i32.add (local.get $sinN) (i32.add (local.get $m4) (i32.const 16))))
    (local.set $zi (i32.add (local.get $zr) (local.get $m4)))
    ;; k = 0 alone (imaginary parts ignored), then four bins per f32x4 op, then the scalar tail
    (local.set $vhalf (f32x4.splat (f32.const 0.5)))
    (local.set $mk4 (local.get $m4))
    (local.set $ar (f32.load (local.get $re)))
    (local.set $br (f32.load (i32.add (local.get $re) (local.get $m4))))
    (local.set $er (f32.mul (f32.const 0.5) (f32.add (local.get $ar) (local.get $br))))
    (local.set $ei (f32.mul (f32.const 0.5) (f32.add (f32.const 0) (f32.const 0))))
    (local.set $dr (f32.mul (f32.const 0.5) (f32.sub (local.get $ar) (local.get $br))))
    (local.set $di (f32.mul (f32.const 0.5) (f32.sub (f32.const 0) (f32.const 0))))
    (local.set $wr (f32.load (local.get $cosN)))
    (local.set $wi (f32.load (local.get $sinN)))
    (local.set $or (f32.sub (f32.mul (local.get $dr) (local.get $wr)) (f32.mul (local.get $di) (local.get $wi))))
    (local.set $oi (f32.add (f32.mul (local.get $dr) (local.get $wi)) (f32.mul (local.get $di) (local.get $wr))))
    (local.set $r4 (i32.shl (i32.load (local.get $tab)) (i32.const 2)))
    (f32.store (i32.add (local.get $zr) (local.get $r4)) (f32.sub (local.get $er) (local.get $oi)))
    (f32.store (i32.add (local.get $zi) (local.get $r4)) (f32.add (local.get $ei) (local.get $or)))
    (local.set $k4 (i32.const 4))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (i32.add (local.get $k4) (i32.const 12)) (local.get $m4)))
      (local.set $mk4 (i32.sub (i32.sub (local.get $m4) (local.get $k4)) (i32.const 12)))
      (local.set $var (v128.load align=4 (i32.add (local.get $re) (local.get $k4))))
      (local.set $vai (v128.load align=4 (i32.add (local.get $im) (local.get $k4))))
      (local.set $vbr (v128.load align=4 (i32.add (local.get $re) (local.get $mk4))))
      (local.set $vbr (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $vbr) (local.get $vbr)))
      (local.set $vbi (v128.load align=4 (i32.add (local.get $im) (local.get $mk4))))
      (local.set $vbi (f32x4.neg (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $vbi) (local.get $vbi))))
      (local.set $ver (f32x4.mul (local.get $vhalf) (f32x4.add (local.get $var) (local.get $vbr))))
      (local.set $vei (f32x4.mul (local.get $vhalf) (f32x4.add (local.get $vai) (local.get $vbi))))
      (local.set $vdr (f32x4.mul (local.get $vhalf) (f32x4.sub (local.get $var) (local.get $vbr))))
      (local.set $vdi (f32x4.mul (local.get $vhalf) (f32x4.sub (local.get $vai) (local.get $vbi))))
      (local.set $vwr (v128.load align=4 (i32.add (local.get $cosN) (local.get $k4))))
      (local.set $vwi (v128.load align=4 (i32.add (local.get $sinN) (local.get $k4))))
      (local.set $vor (f32x4.sub (f32x4.mul (local.get $vdr) (local.get $vwr)) (f32x4.mul (local.get $vdi) (local.get $vwi))))
      (local.set $voi (f32x4.add (f32x4.mul (local.get $vdr) (local.get $vwi)) (f32x4.mul (local.get $vdi) (local.get $vwr))))
      (local.set $vzr (f32x4.sub (local.get $ver) (local.get $voi)))
      (local.set $vzi (f32x4.add (local.get $vei) (local.get $vor)))
      ;; scatter to the bit-reversed slots
      (local.set $r4 (i32.shl (i32.load (i32.add (local.get $tab) (local.get $k4))) (i32.const 2)))
      (f32.store (i32.add (local.get $zr) (local.get $r4)) (f32x4.extract_lane 0 (local.get $vzr)))
      (f32.store (i32.add (local.get $zi) (local.get $r4)) (f32x4.extract_lane 0 (local.get $vzi)))
      (local.set $r4 (i32.shl (i32.load offset=4 (i32.add (local.get $tab) (local.get $k4))) (i32.const 2)))
      (f32.store (i32.add (local.get $zr) (local.get $r4)) (f32x4.extract_lane 1 (local.get $vzr)))
      (f32.store (i32.add (local.get $zi) (local.get $r4)) (f32x4.extract_lane 1 (local.get $vzi)))
      (local.set $r4 (i32.shl (i32.load offset=8 (i32.add (local.get $tab) (local.get $k4))) (i32.const 2)))
      (f32.store (i32.add (local.get $zr) (local.get $r4)) (f32x4.extract_lane 2 (local.get $vzr)))
      (f32.store (i32.add (local.get $zi) (local.get $r4)) (f32x4.extract_lane 2 (local.get $vzi)))
      (local.set $r4 (i32.shl (i32.load offset=12 (i32.add (local.get $tab) (local.get $k4))) (i32.const 2)))
      (f32.store (i32.add (local.get $zr) (local.get $r4)) (f32x4.extract_lane 3 (local.get $vzr)))
      (f32.store (i32.add (local.get $zi) (local.get $r4)) (f32x4.extract_lane 3 (local.get $vzi)))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $vl)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $k4) (local.get $m4)))
      (local.set $mk4 (i32.sub (local.get $m4) (local.get $k4)))
      (local.set $ar (f32.load (i32.add (local.get $re) (local.get $k4))))
      (local.set $br (f32.load (i32.add (local.get $re) (local.get $mk4))))
      (if (i32.eqz (local.get $k4))
        (then (local.set $ai (f32.const 0)) (local.set $bi (f32.const 0)))
        (else
          (local.set $ai (f32.load (i32.add (local.get $im) (local.get $k4))))
          (local.set $bi (f32.neg (f32.load (i32.add (local.get $im) (local.get $mk4)))))))
      (local.set $er (f32.mul (f32.const 0.5) (f32.add (local.get $ar) (local.get $br))))
      (local.set $ei (f32.mul (f32.const 0.5) (f32.add (local.get $ai) (local.get $bi))))
      (local.set $dr (f32.mul (f32.const 0.5) (f32.sub (local.get $ar) (local.get $br))))
      (local.set $di (f32.mul (f32.const 0.5) (f32.sub (local.get $ai) (local.get $bi))))
      (local.set $wr (f32.load (i32.add (local.get $cosN) (local.get $k4))))
      (local.set $wi (f32.load (i32.add (local.get $sinN) (local.get $k4))))
      (local.set $or (f32.sub (f32.mul (local.get $dr) (local.get $wr)) (f32.mul (local.get $di) (local.get $wi))))
      (local.set $oi (f32.add (f32.mul (local.get $dr) (local.get $wi)) (f32.mul (local.get $di) (local.get $wr))))
      (local.set $r4 (i32.shl (i32.load (i32.add (local.get $tab) (local.get $k4))) (i32.const 2)))
      (f32.store (i32.add (local.get $zr) (local.get $r4)) (f32.sub (local.get $er) (local.get $oi)))
      (f32.store (i32.add (local.get $zi) (local.get $r4)) (f32.add (local.get $ei) (local.get $or)))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $l)))
    (call $butterflies (local.get $zr) (local.get $zi)
      (i32.add (local.get $tab) (local.get $m4))
      (i32.add (local.get $tab) (i32.mul (local.get $m4) (i32.const 3)))
      (local.get $m))
    (local.set $s (f32.div (f32.const 1) (f32.convert_i32_u (local.get $m))))
    (block $od (loop $ol
      (br_if $od (i32.ge_u (local.get $j4) (local.get $m4)))
      (f32.store (i32.add (local.get $x) (i32.shl (local.get $j4) (i32.const 1)))
        (f32.mul (f32.load (i32.add (local.get $zr) (local.get $j4))) (local.get $s)))
      (f32.store (i32.add (local.get $x) (i32.add (i32.shl (local.get $j4) (i32.const 1)) (i32.const 4)))
        (f32.mul (f32.load (i32.add (local.get $zi) (local.get $j4))) (local.get $s)))
      (local.set $j4 (i32.add (local.get $j4) (i32.const 4)))
      (br $ol)))
  )

  ;; In place on one spectrum (re, im [0..m]): inverse FFT into $buf (2m samples), zero
  ;; samples m..2m-1, forward FFT back (projection onto m-tap responses).
  (func $project (param $re i32) (param $im i32) (param $tab i32) (param $buf i32) (param $m i32)
    (local $p i32) (local $end i32)
    (call $rfft_inverse (local.get $re) (local.get $im) (local.get $buf) (local.get $tab) (local.get $m))
    (local.set $p (i32.add (local.get $buf) (i32.shl (local.get $m) (i32.const 2))))
    (local.set $end (i32.add (local.get $buf) (i32.shl (local.get $m) (i32.const 3))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $end)))
      (f32.store (local.get $p) (f32.const 0))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l)))
    (call $rfft_forward (local.get $buf) (local.get $re) (local.get $im) (local.get $tab) (local.get $m))
  )

  ;; Weight constraint of a partitioned filter: project partitions [from, to) of (wRe, wIm),
  ;; partition p at byte offset p * bins * 4, in place.
  (func $project_partitions (export "project_partitions") (param $wRe i32) (param $wIm i32) (param $bins i32)
    (param $from i32) (param $to i32) (param $tab i32) (param $buf i32)
    (local $p i32) (local $o i32)
    (local.set $p (local.get $from))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $to)))
      (local.set $o (i32.shl (i32.mul (local.get $p) (local.get $bins)) (i32.const 2)))
      (call $project (i32.add (local.get $wRe) (local.get $o)) (i32.add (local.get $wIm) (local.get $o))
        (local.get $tab) (local.get $buf) (i32.sub (local.get $bins) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
  )

  ;; Per-bin complex multiply-accumulate over the partitions of a partitioned filter:
  ;;   Y[k] = sum_{p = 0..P-1} W_p[k] X_{s(p)}[k],  s(p) = (head - p) mod P   (p in order)
  ;; W_p at byte offset p * bins * 4 of (wRe, wIm); X_s at s * bins * 4 of the ring (xRe, xIm).
  ;;   re += wr ar - wi ai ;  im += wr ai + wi ar
  (func (export "spectral_mac") (param $yRe i32) (param $yIm i32) (param $wRe i32) (param $wIm i32)
    (param $xRe i32) (param $xIm i32) (param $head i32) (param $parts i32) (param $bins i32)
    (local $bins4 i32) (local $vecEnd i32) (local $k4 i32) (local $p i32) (local $slot i32) (local $wo i32) (local $xo i32)
    (local $accR v128) (local $accI v128) (local $wr v128) (local $wi v128) (local $ar v128) (local $ai v128)
    (local $sr f32) (local $si f32) (local $swr f32) (local $swi f32) (local $sar f32) (local $sai f32)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $k4) (local.get $vecEnd)))
      (local.set $accR (v128.const i32x4 0 0 0 0))
      (local.set $accI (v128.const i32x4 0 0 0 0))
      (local.set $p (i32.const 0))
      (local.set $slot (local.get $head))
      (block $pd (loop $pl
        (br_if $pd (i32.ge_u (local.get $p) (local.get $parts)))
        (local.set $wo (i32.add (i32.mul (local.get $p) (local.get $bins4)) (local.get $k4)))
        (local.set $xo (i32.add (i32.mul (local.get $slot) (local.get $bins4)) (local.get $k4)))
        (local.set $wr (v128.load align=4 (i32.add (local.get $wRe) (local.get $wo))))
        (local.set $wi (v128.load align=4 (i32.add (local.get $wIm) (local.get $wo))))
        (local.set $ar (v128.load align=4 (i32.add (local.get $xRe) (local.get $xo))))
        (local.set $ai (v128.load align=4 (i32.add (local.get $xIm) (local.get $xo))))
        (local.set $accR (f32x4.add (local.get $accR)
          (f32x4.sub (f32x4.mul (local.get $wr) (local.get $ar)) (f32x4.mul (local.get $wi) (local.get $ai)))))
        (local.set $accI (f32x4.add (local.get $accI)
          (f32x4.add (f32x4.mul (local.get $wr) (local.get $ai)) (f32x4.mul (local.get $wi) (local.get $ar)))))
        (local.set $slot (select (i32.sub (local.get $parts) (i32.const 1)) (i32.sub (local.get $slot) (i32.const 1))
          (i32.eqz (local.get $slot))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pl)))
      (v128.store align=4 (i32.add (local.get $yRe) (local.get $k4)) (local.get $accR))
      (v128.store align=4 (i32.add (local.get $yIm) (local.get $k4)) (local.get $accI))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $bins4)))
      (local.set $sr (f32.const 0))
      (local.set $si (f32.const 0))
      (local.set $p (i32.const 0))
      (local.set $slot (local.get $head))
      (block $pd2 (loop $pl2
        (br_if $pd2 (i32.ge_u (local.get $p) (local.get $parts)))
        (local.set $wo (i32.add (i32.mul (local.get $p) (local.get $bins4)) (local.get $k4)))
        (local.set $xo (i32.add (i32.mul (local.get $slot) (local.get $bins4)) (local.get $k4)))
        (local.set $swr (f32.load (i32.add (local.get $wRe) (local.get $wo))))
        (local.set $swi (f32.load (i32.add (local.get $wIm) (local.get $wo))))
        (local.set $sar (f32.load (i32.add (local.get $xRe) (local.get $xo))))
        (local.set $sai (f32.load (i32.add (local.get $xIm) (local.get $xo))))
        (local.set $sr (f32.add (local.get $sr)
          (f32.sub (f32.mul (local.get $swr) (local.get $sar)) (f32.mul (local.get $swi) (local.get $sai)))))
        (local.set $si (f32.add (local.get $si)
          (f32.add (f32.mul (local.get $swr) (local.get $sai)) (f32.mul (local.get $swi) (local.get $sar)))))
        (local.set $slot (select (i32.sub (local.get $parts) (i32.const 1)) (i32.sub (local.get $slot) (i32.const 1))
          (i32.eqz (local.get $slot))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pl2)))
      (f32.store (i32.add (local.get $yRe) (local.get $k4)) (local.get $sr))
      (f32.store (i32.add (local.get $yIm) (local.get $k4)) (local.get $si))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl)))
  )

  ;; Cross-spectrum of one partition: out[k] = conj(X[k]) G[k] (times f[k] when $f != 0)
  ;;   re = ar gr + ai gi ;  im = ar gi - ai gr ;  then re *= f, im *= f
  (func $cross_spectrum (param $oRe i32) (param $oIm i32) (param $xRe i32) (param $xIm i32)
    (param $gRe i32) (param $gIm i32) (param $f i32) (param $bins i32)
    (local $bins4 i32) (local $vecEnd i32) (local $k4 i32)
    (local $ar v128) (local $ai v128) (local $gr v128) (local $gi v128) (local $vr v128) (local $vi v128) (local $vf v128)
    (local $sar f32) (local $sai f32) (local $sgr f32) (local $sgi f32) (local $sr f32) (local $si f32) (local $sf f32)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $k4) (local.get $vecEnd)))
      (local.set $ar (v128.load align=4 (i32.add (local.get $xRe) (local.get $k4))))
      (local.set $ai (v128.load align=4 (i32.add (local.get $xIm) (local.get $k4))))
      (local.set $gr (v128.load align=4 (i32.add (local.get $gRe) (local.get $k4))))
      (local.set $gi (v128.load align=4 (i32.add (local.get $gIm) (local.get $k4))))
      (local.set $vr (f32x4.add (f32x4.mul (local.get $ar) (local.get $gr)) (f32x4.mul (local.get $ai) (local.get $gi))))
      (local.set $vi (f32x4.sub (f32x4.mul (local.get $ar) (local.get $gi)) (f32x4.mul (local.get $ai) (local.get $gr))))
      (if (local.get $f) (then
        (local.set $vf (v128.load align=4 (i32.add (local.get $f) (local.get $k4))))
        (local.set $vr (f32x4.mul (local.get $vr) (local.get $vf)))
        (local.set $vi (f32x4.mul (local.get $vi) (local.get $vf)))))
      (v128.store align=4 (i32.add (local.get $oRe) (local.get $k4)) (local.get $vr))
      (v128.store align=4 (i32.add (local.get $oIm) (local.get $k4)) (local.get $vi))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $bins4)))
      (local.set $sar (f32.load (i32.add (local.get $xRe) (local.get $k4))))
      (local.set $sai (f32.load (i32.add (local.get $xIm) (local.get $k4))))
      (local.set $sgr (f32.load (i32.add (local.get $gRe) (local.get $k4))))
      (local.set $sgi (f32.load (i32.add (local.get $gIm) (local.get $k4))))
      (local.set $sr (f32.add (f32.mul (local.get $sar) (local.get $sgr)) (f32.mul (local.get $sai) (local.get $sgi))))
      (local.set $si (f32.sub (f32.mul (local.get $sar) (local.get $sgi)) (f32.mul (local.get $sai) (local.get $sgr))))
      (if (local.get $f) (then
        (local.set $sf (f32.load (i32.add (local.get $f) (local.get $k4))))
        (local.set $sr (f32.mul (local.get $sr) (local.get $sf)))
        (local.set $si (f32.mul (local.get $si) (local.get $sf)))))
      (f32.store (i32.add (local.get $oRe) (local.get $k4)) (local.get $sr))
      (f32.store (i32.add (local.get $oIm) (local.get $k4)) (local.get $si))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl)))
  )

  ;; Half-spectrum gradient scaling, m = bins - 1, N = 2m:
  ;;   gRe[k] = c_k re[k], gIm[k] = c_k im[k];  c_k = 2/N (0 < k < m), 1/N at k = 0, m where gIm = 0
  (func $scale_half_spectrum (param $gRe i32) (param $gIm i32) (param $re i32) (param $im i32) (param $bins i32)
    (local $bins4 i32) (local $vecEnd i32) (local $k4 i32) (local $m4 i32) (local $cMid f32) (local $cEdge f32) (local $vc v128)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $m4 (i32.sub (local.get $bins4) (i32.const 4)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    (local.set $cMid (f32.div (f32.const 1) (f32.convert_i32_u (i32.sub (local.get $bins) (i32.const 1)))))
    (local.set $cEdge (f32.mul (local.get $cMid) (f32.const 0.5)))
    (local.set $vc (f32x4.splat (local.get $cMid)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $k4) (local.get $vecEnd)))
      (v128.store align=4 (i32.add (local.get $gRe) (local.get $k4))
        (f32x4.mul (local.get $vc) (v128.load align=4 (i32.add (local.get $re) (local.get $k4)))))
      (v128.store align=4 (i32.add (local.get $gIm) (local.get $k4))
        (f32x4.mul (local.get $vc) (v128.load align=4 (i32.add (local.get $im) (local.get $k4)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $bins4)))
      (f32.store (i32.add (local.get $gRe) (local.get $k4))
        (f32.mul (local.get $cMid) (f32.load (i32.add (local.get $re) (local.get $k4)))))
      (f32.store (i32.add (local.get $gIm) (local.get $k4))
        (f32.mul (local.get $cMid) (f32.load (i32.add (local.get $im) (local.get $k4)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl)))
    ;; the edges k = 0 and k = m
    (f32.store (local.get $gRe) (f32.mul (local.get $cEdge) (f32.load (local.get $re))))
    (f32.store (local.get $gIm) (f32.const 0))
    (f32.store (i32.add (local.get $gRe) (local.get $m4))
      (f32.mul (local.get $cEdge) (f32.load (i32.add (local.get $re) (local.get $m4)))))
    (f32.store (i32.add (local.get $gIm) (local.get $m4)) (f32.const 0))
  )

  ;; $cross_spectrum then $scale_half_spectrum without the scratch in between: per bin the same f32
  ;; ops (re = ar gr + ai gi, im = ar gi - ai gr, times f when $f != 0, then c_k times each; the edges
  ;; k = 0, m recomputed the same way and scaled by c_edge, their imaginary parts 0).
  (func $cross_scaled (param $oRe i32) (param $oIm i32) (param $xRe i32) (param $xIm i32)
    (param $gRe i32) (param $gIm i32) (param $f i32) (param $bins i32)
    (local $bins4 i32) (local $vecEnd i32) (local $k4 i32) (local $m4 i32) (local $cMid f32) (local $cEdge f32)
    (local $ar v128) (local $ai v128) (local $gr v128) (local $gi v128) (local $vr v128) (local $vi v128)
    (local $vf v128) (local $vc v128)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $m4 (i32.sub (local.get $bins4) (i32.const 4)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    (local.set $cMid (f32.div (f32.const 1) (f32.convert_i32_u (i32.sub (local.get $bins) (i32.const 1)))))
    (local.set $cEdge (f32.mul (local.get $cMid) (f32.const 0.5)))
    (local.set $vc (f32x4.splat (local.get $cMid)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $k4) (local.get $vecEnd)))
      (local.set $ar (v128.load align=4 (i32.add (local.get $xRe) (local.get $k4))))
      (local.set $ai (v128.load align=4 (i32.add (local.get $xIm) (local.get $k4))))
      (local.set $gr (v128.load align=4 (i32.add (local.get $gRe) (local.get $k4))))
      (local.set $gi (v128.load align=4 (i32.add (local.get $gIm) (local.get $k4))))
      (local.set $vr (f32x4.add (f32x4.mul (local.get $ar) (local.get $gr)) (f32x4.mul (local.get $ai) (local.get $gi))))
      (local.set $vi (f32x4.sub (f32x4.mul (local.get $ar) (local.get $gi)) (f32x4.mul (local.get $ai) (local.get $gr))))
      (if (local.get $f) (then
        (local.set $vf (v128.load align=4 (i32.add (local.get $f) (local.get $k4))))
        (local.set $vr (f32x4.mul (local.get $vr) (local.get $vf)))
        (local.set $vi (f32x4.mul (local.get $vi) (local.get $vf)))))
      (v128.store align=4 (i32.add (local.get $oRe) (local.get $k4)) (f32x4.mul (local.get $vc) (local.get $vr)))
      (v128.store align=4 (i32.add (local.get $oIm) (local.get $k4)) (f32x4.mul (local.get $vc) (local.get $vi)))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $bins4)))
      (call $cross_scaled_at (local.get $oRe) (local.get $oIm) (local.get $xRe) (local.get $xIm)
        (local.get $gRe) (local.get $gIm) (local.get $f) (local.get $k4) (local.get $cMid))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl)))
    ;; the edges k = 0 and k = m
    (call $cross_scaled_at (local.get $oRe) (local.get $oIm) (local.get $xRe) (local.get $xIm)
      (local.get $gRe) (local.get $gIm) (local.get $f) (i32.const 0) (local.get $cEdge))
    (f32.store (local.get $oIm) (f32.const 0))
    (call $cross_scaled_at (local.get $oRe) (local.get $oIm) (local.get $xRe) (local.get $xIm)
      (local.get $gRe) (local.get $gIm) (local.get $f) (local.get $m4) (local.get $cEdge))
    (f32.store (i32.add (local.get $oIm) (local.get $m4)) (f32.const 0))
  )

  ;; One bin (byte offset $k4) of $cross_scaled with the factor $c.
  (func $cross_scaled_at (param $oRe i32) (param $oIm i32) (param $xRe i32) (param $xIm i32)
    (param $gRe i32) (param $gIm i32) (param $f i32) (param $k4 i32) (param $c f32)
    (local $ar f32) (local $ai f32) (local $gr f32) (local $gi f32) (local $r f32) (local $i f32) (local $sf f32)
    (local.set $ar (f32.load (i32.add (local.get $xRe) (local.get $k4))))
    (local.set $ai (f32.load (i32.add (local.get $xIm) (local.get $k4))))
    (local.set $gr (f32.load (i32.add (local.get $gRe) (local.get $k4))))
    (local.set $gi (f32.load (i32.add (local.get $gIm) (local.get $k4))))
    (local.set $r (f32.add (f32.mul (local.get $ar) (local.get $gr)) (f32.mul (local.get $ai) (local.get $gi))))
    (local.set $i (f32.sub (f32.mul (local.get $ar) (local.get $gi)) (f32.mul (local.get $ai) (local.get $gr))))
    (if (local.get $f) (then
      (local.set $sf (f32.load (i32.add (local.get $f) (local.get $k4))))
      (local.set $r (f32.mul (local.get $r) (local.get $sf)))
      (local.set $i (f32.mul (local.get $i) (local.get $sf)))))
    (f32.store (i32.add (local.get $oRe) (local.get $k4)) (f32.mul (local.get $c) (local.get $r)))
    (f32.store (i32.add (local.get $oIm) (local.get $k4)) (f32.mul (local.get $c) (local.get $i)))
  )

  ;; Gradient of a partitioned filter from the error spectrum G, per partition p = 0..P-1:
  ;;   Phi = conj(X_{s(p)}) G [* f];  [project(Phi)];  grad_p = c_k Phi   (s(p) = (head - p) mod P)
  ;; Phi goes through the scratch (phiRe, phiIm); $f = 0: no per-bin factor; $project = 0: none.
  (func (export "fd_gradient") (param $gradRe i32) (param $gradIm i32) (param $xRe i32) (param $xIm i32)
    (param $gRe i32) (param $gIm i32) (param $f i32) (param $head i32) (param $parts i32) (param $bins i32)
    (param $project i32) (param $tab i32) (param $buf i32) (param $phiRe i32) (param $phiIm i32)
    (local $p i32) (local $slot i32) (local $bins4 i32) (local $xo i32) (local $wo i32)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $slot (local.get $head))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $p) (local.get $parts)))
      (local.set $xo (i32.mul (local.get $slot) (local.get $bins4)))
      (local.set $wo (i32.mul (local.get $p) (local.get $bins4)))
      (if (local.get $project)
        (then
          (call $cross_spectrum (local.get $phiRe) (local.get $phiIm)
            (i32.add (local.get $xRe) (local.get $xo)) (i32.add (local.get $xIm) (local.get $xo))
            (local.get $gRe) (local.get $gIm) (local.get $f) (local.get $bins))
          (call $project (local.get $phiRe) (local.get $phiIm) (local.get $tab) (local.get $buf)
            (i32.sub (local.get $bins) (i32.const 1)))
          (call $scale_half_spectrum (i32.add (local.get $gradRe) (local.get $wo)) (i32.add (local.get $gradIm) (local.get $wo))
            (local.get $phiRe) (local.get $phiIm) (local.get $bins)))
        (else
          ;; no projection: the cross-spectrum scaled straight into the gradient (no round trip through phi)
          (call $cross_scaled (i32.add (local.get $gradRe) (local.get $wo)) (i32.add (local.get $gradIm) (local.get $wo))
            (i32.add (local.get $xRe) (local.get $xo)) (i32.add (local.get $xIm) (local.get $xo))
            (local.get $gRe) (local.get $gIm) (local.get $f) (local.get $bins))))
      (local.set $slot (select (i32.sub (local.get $parts) (i32.const 1)) (i32.sub (local.get $slot) (i32.const 1))
        (i32.eqz (local.get $slot))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
  )

  ;; Index of the first element of [p, p + 4n) that is NaN or +-Infinity (x - x != 0), or -1.
  (func (export "first_non_finite") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $vecEnd i32) (local $v v128) (local $x f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
      (local.set $v (v128.load align=4 (i32.add (local.get $p) (local.get $i))))
      (br_if $vd (v128.any_true (f32x4.ne (f32x4.sub (local.get $v) (local.get $v)) (v128.const i32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $x (f32.load (i32.add (local.get $p) (local.get $i))))
      (if (f32.ne (f32.sub (local.get $x) (local.get $x)) (f32.const 0))
        (then (return (i32.shr_u (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $sl)))
    (i32.const -1)
  )

  ;; The memory-traffic floor of the Adamax update for benchmarks: the same 7 streams in place
  ;; (loads w, g, m, u; stores w, m, u) with trivial bounded arithmetic:
  ;;   w <- g - w ;  m <- g - m ;  u <- max(u, g) as unsigned integers (one instruction, the
  ;;   cheapest maximum: the kernels' own is the same instruction plus a sign mask)
  (func (export "stream7_floor") (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32)
    (local $i i32) (local $vecEnd i32) (local $end i32) (local $vg v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
      (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
      (v128.store align=4 (i32.add (local.get $w) (local.get $i))
        (f32x4.sub (local.get $vg) (v128.load align=4 (i32.add (local.get $w) (local.get $i)))))
      (v128.store align=4 (i32.add (local.get $m) (local.get $i))
        (f32x4.sub (local.get $vg) (v128.load align=4 (i32.add (local.get $m) (local.get $i)))))
      (v128.store align=4 (i32.add (local.get $u) (local.get $i))
        (i32x4.max_u (local.get $vg) (v128.load align=4 (i32.add (local.get $u) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $w) (local.get $i))
        (f32.sub (f32.load (i32.add (local.get $g) (local.get $i))) (f32.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $sl)))
  )

;; `stream7_floor` with one f32x4 division per 4 elements, as the Adamax step has: w <- g / u' - w,
;; u' = max_u(g, u) the floor's own u store (so |g / u'| <= 1 once u' = g and w stays bounded when the
;; two floors run on the same buffers). The floor of a kernel that must divide; the benchmark's second
;; floor, with the floor loop's shape.
  (func (export "stream7_div_floor") (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $n i32)
    (local $i i32) (local $vecEnd i32) (local $end i32) (local $vg v128) (local $vu v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
      (local.set $vg (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
      (local.set $vu (i32x4.max_u (local.get $vg) (v128.load align=4 (i32.add (local.get $u) (local.get $i)))))
      (v128.store align=4 (i32.add (local.get $m) (local.get $i))
        (f32x4.sub (local.get $vg) (v128.load align=4 (i32.add (local.get $m) (local.get $i)))))
      (v128.store align=4 (i32.add (local.get $u) (local.get $i)) (local.get $vu))
      (v128.store align=4 (i32.add (local.get $w) (local.get $i))
        (f32x4.sub
          (f32x4.div (local.get $vg) (local.get $vu))
          (v128.load align=4 (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vl)))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_u (local.get $i) (local.get $end)))
      (f32.store (i32.add (local.get $w) (local.get $i))
        (f32.sub (f32.load (i32.add (local.get $g) (local.get $i))) (f32.load (i32.add (local.get $w) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $sl)))
  )

  ;; ===================================================================================
  ;; Proportionate steps of a partitioned filter (the TypeScript references:
  ;; src/core/kernels/adamax-scaled-update.ts, src/core/kernels/partition-norms.ts).
  ;; ===================================================================================

  ;; `adamax` over $rows rows of $bins elements, each element's step scaled, in one pass:
  ;;   w_a = adamax(w0)                              (the f32 ops of `adamax`, m and u stored; its
  ;;                                                 vector max, so the same state domain u >= 0)
  ;;   w   = w0 + f32(f_r * s_k) * (w_a - w0)       every op f32: f_r = row[r], s_k = bin[k] ($bin = 0: f_r alone)
  ;; w0 is the weight loaded before the step, so no copy of the weights is needed. Each f32x4 lane
  ;; makes the same ops as the scalar tail and the reference. (An earlier version made the scaling in
  ;; f64, two f64x2 halves per f32x4: at 1024 taps, 48 kHz, that cost the canceller about 8 % of a block.)
  (func (export "adamax_scaled")
    (param $w i32) (param $g i32) (param $m i32) (param $u i32) (param $rows i32) (param $bins i32)
    (param $s i32) (param $row i32) (param $bin i32)
    (local $lr f32) (local $c1 f32) (local $beta2 f32) (local $eps f32) (local $k f32)
    (local $r i32) (local $o i32) (local $i i32) (local $bins4 i32) (local $vecEnd i32)
    (local $vlr v128) (local $vc1 v128) (local $vb2 v128) (local $veps v128) (local $vk v128)
    (local $vg v128) (local $vm v128) (local $vu v128) (local $vw0 v128) (local $vwa v128)
    (local $vf v128) (local $vfk v128)
    (local $f f32) (local $sf f32) (local $sg f32) (local $sm f32) (local $su f32) (local $sw0 f32) (local $swa f32)
    (local.set $lr (f32.load offset=0 (local.get $s)))
    (local.set $c1 (f32.load offset=4 (local.get $s)))
    (local.set $beta2 (f32.load offset=8 (local.get $s)))
    (local.set $eps (f32.load offset=12 (local.get $s)))
    (local.set $k (f32.load offset=16 (local.get $s)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    (block $rd (loop $rl
      (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $f (f32.load (i32.add (local.get $row) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $vf (f32x4.splat (local.get $f)))
      (local.set $o (i32.mul (local.get $r) (local.get $bins4)))
      (local.set $i (i32.const 0))
      (block $vd (loop $vl
        (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $vg (v128.load align=4 (i32.add (local.get $g) (i32.add (local.get $o) (local.get $i)))))
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (i32.add (local.get $o) (local.get $i)))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vg) (local.get $vm)) (local.get $vc1))))
        ;; u <- max(beta2 * u, |g|) as the unsigned-integer max of |beta2 * u| and |g| (as `adamax`)
        (local.set $vu
          (i32x4.max_u
            (f32x4.abs (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (i32.add (local.get $o) (local.get $i))))))
            (f32x4.abs (local.get $vg))))
        (v128.store align=4 (i32.add (local.get $m) (i32.add (local.get $o) (local.get $i))) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (i32.add (local.get $o) (local.get $i))) (local.get $vu))
        (local.set $vw0 (v128.load align=4 (i32.add (local.get $w) (i32.add (local.get $o) (local.get $i)))))
        (local.set $vwa
          (f32x4.sub (local.get $vw0)
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        ;; the factors f_r * s_k of the four lanes (f_r alone without bin factors)
        (local.set $vfk (local.get $vf))
        (if (local.get $bin) (then
          (local.set $vfk (f32x4.mul (local.get $vf) (v128.load align=4 (i32.add (local.get $bin) (local.get $i)))))))
        ;; w0 + f * (w_a - w0)
        (v128.store align=4 (i32.add (local.get $w) (i32.add (local.get $o) (local.get $i)))
          (f32x4.add (local.get $vw0) (f32x4.mul (local.get $vfk) (f32x4.sub (local.get $vwa) (local.get $vw0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vl)))
      ;; scalar tail of the row, same operations
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $i) (local.get $bins4)))
        (local.set $sg (f32.load (i32.add (local.get $g) (i32.add (local.get $o) (local.get $i)))))
        (local.set $sm (f32.load (i32.add (local.get $m) (i32.add (local.get $o) (local.get $i)))))
        (local.set $sm
          (f32.add (local.get $sm)
            (f32.mul (f32.sub (local.get $sg) (local.get $sm)) (local.get $c1))))
        (local.set $su
          (f32.max
            (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $u) (i32.add (local.get $o) (local.get $i)))))
            (f32.abs (local.get $sg))))
        (f32.store (i32.add (local.get $m) (i32.add (local.get $o) (local.get $i))) (local.get $sm))
        (f32.store (i32.add (local.get $u) (i32.add (local.get $o) (local.get $i))) (local.get $su))
        (local.set $sw0 (f32.load (i32.add (local.get $w) (i32.add (local.get $o) (local.get $i)))))
        (local.set $swa
          (f32.sub (local.get $sw0)
            (f32.div
              (f32.mul (local.get $lr) (local.get $sm))
              (f32.mul (local.get $k) (f32.add (local.get $su) (local.get $eps))))))
        (local.set $sf (local.get $f))
        (if (local.get $bin) (then
          (local.set $sf (f32.mul (local.get $f) (f32.load (i32.add (local.get $bin) (local.get $i)))))))
        (f32.store (i32.add (local.get $w) (i32.add (local.get $o) (local.get $i)))
          (f32.add (local.get $sw0) (f32.mul (local.get $sf) (f32.sub (local.get $swa) (local.get $sw0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sl)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rl)))
  )

  ;; `adamax_scaled` of a partitioned filter's weights from its gradient, computed in the same pass
  ;; (the gradient never goes to memory). Rows of $bins elements: row p < P the real parts of
  ;; partition p, row P + p its imaginary parts (the im group follows the re group: w, m, u at
  ;; + 4 P bins). With X = the input spectrum of ring slot s(p) = (head - p) mod P and G the error
  ;; spectrum, per bin k (m = bins - 1):
  ;;   re = ar gr + ai gi ;  im = ar gi - ai gr ;  [re *= f_k, im *= f_k when $f != 0]
  ;;   g_re = c_k re ;  g_im = c_k im, 0 at k = 0, m ;  c_k = f32(1/m) inside, f32(c * 0.5) at k = 0, m
  ;; (the f32 ops of `fd_gradient` without projection), then the f32 ops of `adamax_scaled`
  ;; on (w, g, m, u) of the real element with the row factor row[p] and of the imaginary element
  ;; with row[P + p], and the bin factor bin[k] ($bin = 0: none). Both elements of a bin in one
  ;; iteration (X and G loaded once). The vectors holding the edges k = 0, m take a branch that
  ;; finds them per lane (index vector), so any $bins works.
  (func $fd_adamax_scaled (export "fd_adamax_scaled")
    (param $w i32) (param $m i32) (param $u i32) (param $s i32) (param $row i32) (param $bin i32)
    (param $xRe i32) (param $xIm i32) (param $gRe i32) (param $gIm i32) (param $f i32)
    (param $head i32) (param $parts i32) (param $bins i32)
    (local $lr f32) (local $c1 f32) (local $beta2 f32) (local $eps f32) (local $k f32)
    (local $cMid f32) (local $cEdge f32)
    (local $p i32) (local $slot i32) (local $oRe i32) (local $oIm i32) (local $i i32)
    (local $bins4 i32) (local $vecEnd i32) (local $m4 i32) (local $xo i32) (local $edgeVec i32) (local $edge i32)
    (local $vlr v128) (local $vc1 v128) (local $vb2 v128) (local $veps v128) (local $vk v128) (local $vcMid v128)
    (local $ar v128) (local $ai v128) (local $gr v128) (local $gi v128) (local $vre v128) (local $vim v128)
    (local $vidx v128) (local $vedge v128) (local $vc v128)
    (local $vm v128) (local $vu v128) (local $vw0 v128) (local $vwa v128)
    (local $vfRe v128) (local $vfIm v128) (local $vfk v128) (local $lo v128)
    (local $fRe f32) (local $fIm f32) (local $sf f32)
    (local $sar f32) (local $sai f32) (local $sgr f32) (local $sgi f32) (local $sre f32) (local $sim f32) (local $sc f32)
    (local $sm f32) (local $su f32) (local $sw0 f32) (local $swa f32)
    (local.set $lr (f32.load offset=0 (local.get $s)))
    (local.set $c1 (f32.load offset=4 (local.get $s)))
    (local.set $beta2 (f32.load offset=8 (local.get $s)))
    (local.set $eps (f32.load offset=12 (local.get $s)))
    (local.set $k (f32.load offset=16 (local.get $s)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vb2 (f32x4.splat (local.get $beta2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vk (f32x4.splat (local.get $k)))
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $m4 (i32.sub (local.get $bins4) (i32.const 4)))
    (local.set $vecEnd (i32.and (local.get $bins4) (i32.const -16)))
    (local.set $cMid (f32.div (f32.const 1) (f32.convert_i32_u (i32.sub (local.get $bins) (i32.const 1)))))
    (local.set $cEdge (f32.mul (local.get $cMid) (f32.const 0.5)))
    (local.set $vcMid (f32x4.splat (local.get $cMid)))
    ;; byte offset of the vector holding k = m (-1 when m is in the scalar tail)
    (local.set $edgeVec (select (i32.and (local.get $m4) (i32.const -16)) (i32.const -1)
      (i32.lt_u (local.get $m4) (local.get $vecEnd))))
    (local.set $slot (local.get $head))
    (block $pd (loop $pl
      (br_if $pd (i32.ge_u (local.get $p) (local.get $parts)))
      (local.set $xo (i32.mul (local.get $slot) (local.get $bins4)))
      (local.set $oRe (i32.mul (local.get $p) (local.get $bins4)))
      (local.set $oIm (i32.mul (i32.add (local.get $p) (local.get $parts)) (local.get $bins4)))
      (local.set $fRe (f32.load (i32.add (local.get $row) (i32.shl (local.get $p) (i32.const 2)))))
      (local.set $fIm (f32.load (i32.add (local.get $row)
        (i32.shl (i32.add (local.get $p) (local.get $parts)) (i32.const 2)))))
      (local.set $vfRe (f32x4.splat (local.get $fRe)))
      (local.set $vfIm (f32x4.splat (local.get $fIm)))
      (local.set $i (i32.const 0))
      (block $vd (loop $vl
        (br_if $vd (i32.ge_u (local.get $i) (local.get $vecEnd)))
        ;; the gradient of 4 bins: real and imaginary parts
        (local.set $ar (v128.load align=4 (i32.add (local.get $xRe) (i32.add (local.get $xo) (local.get $i)))))
        (local.set $ai (v128.load align=4 (i32.add (local.get $xIm) (i32.add (local.get $xo) (local.get $i)))))
        (local.set $gr (v128.load align=4 (i32.add (local.get $gRe) (local.get $i))))
        (local.set $gi (v128.load align=4 (i32.add (local.get $gIm) (local.get $i))))
        (local.set $vre (f32x4.add (f32x4.mul (local.get $ar) (local.get $gr)) (f32x4.mul (local.get $ai) (local.get $gi))))
        (local.set $vim (f32x4.sub (f32x4.mul (local.get $ar) (local.get $gi)) (f32x4.mul (local.get $ai) (local.get $gr))))
        (if (local.get $f) (then
          (local.set $lo (v128.load align=4 (i32.add (local.get $f) (local.get $i))))
          (local.set $vre (f32x4.mul (local.get $vre) (local.get $lo)))
          (local.set $vim (f32x4.mul (local.get $vim) (local.get $lo)))))
        (if (i32.or (i32.eqz (local.get $i)) (i32.eq (local.get $i) (local.get $edgeVec)))
          (then
            ;; a vector holding k = 0 or k = m: c_edge in those lanes, the imaginary part 0 there
            (local.set $vidx (i32x4.add (i32x4.splat (i32.shr_u (local.get $i) (i32.const 2))) (v128.const i32x4 0 1 2 3)))
            (local.set $vedge (v128.or (i32x4.eq (local.get $vidx) (v128.const i32x4 0 0 0 0))
              (i32x4.eq (local.get $vidx) (i32x4.splat (i32.sub (local.get $bins) (i32.const 1))))))
            (local.set $vc (v128.bitselect (f32x4.splat (local.get $cEdge)) (local.get $vcMid) (local.get $vedge)))
            (local.set $vre (f32x4.mul (local.get $vc) (local.get $vre)))
            (local.set $vim (v128.andnot (f32x4.mul (local.get $vc) (local.get $vim)) (local.get $vedge))))
          (else
            (local.set $vre (f32x4.mul (local.get $vcMid) (local.get $vre)))
            (local.set $vim (f32x4.mul (local.get $vcMid) (local.get $vim)))))
        ;; the Adamax step of `adamax_scaled` on the gradient $vre (weights at +$oRe, row factor $vfRe)
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (i32.add (local.get $oRe) (local.get $i)))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vre) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.abs (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (i32.add (local.get $oRe) (local.get $i))))))
            (f32x4.abs (local.get $vre))))
        (v128.store align=4 (i32.add (local.get $m) (i32.add (local.get $oRe) (local.get $i))) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (i32.add (local.get $oRe) (local.get $i))) (local.get $vu))
        (local.set $vw0 (v128.load align=4 (i32.add (local.get $w) (i32.add (local.get $oRe) (local.get $i)))))
        (local.set $vwa
          (f32x4.sub (local.get $vw0)
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        (local.set $vfk (local.get $vfRe))
        (if (local.get $bin) (then
          (local.set $vfk (f32x4.mul (local.get $vfRe) (v128.load align=4 (i32.add (local.get $bin) (local.get $i)))))))
        (v128.store align=4 (i32.add (local.get $w) (i32.add (local.get $oRe) (local.get $i)))
          (f32x4.add (local.get $vw0) (f32x4.mul (local.get $vfk) (f32x4.sub (local.get $vwa) (local.get $vw0)))))
        ;; the Adamax step of `adamax_scaled` on the gradient $vim (weights at +$oIm, row factor $vfIm)
        (local.set $vm (v128.load align=4 (i32.add (local.get $m) (i32.add (local.get $oIm) (local.get $i)))))
        (local.set $vm
          (f32x4.add (local.get $vm)
            (f32x4.mul (f32x4.sub (local.get $vim) (local.get $vm)) (local.get $vc1))))
        (local.set $vu
          (i32x4.max_u
            (f32x4.abs (f32x4.mul (local.get $vb2) (v128.load align=4 (i32.add (local.get $u) (i32.add (local.get $oIm) (local.get $i))))))
            (f32x4.abs (local.get $vim))))
        (v128.store align=4 (i32.add (local.get $m) (i32.add (local.get $oIm) (local.get $i))) (local.get $vm))
        (v128.store align=4 (i32.add (local.get $u) (i32.add (local.get $oIm) (local.get $i))) (local.get $vu))
        (local.set $vw0 (v128.load align=4 (i32.add (local.get $w) (i32.add (local.get $oIm) (local.get $i)))))
        (local.set $vwa
          (f32x4.sub (local.get $vw0)
            (f32x4.div
              (f32x4.mul (local.get $vlr) (local.get $vm))
              (f32x4.mul (local.get $vk) (f32x4.add (local.get $vu) (local.get $veps))))))
        (local.set $vfk (local.get $vfIm))
        (if (local.get $bin) (then
          (local.set $vfk (f32x4.mul (local.get $vfIm) (v128.load align=4 (i32.add (local.get $bin) (local.get $i)))))))
        (v128.store align=4 (i32.add (local.get $w) (i32.add (local.get $oIm) (local.get $i)))
          (f32x4.add (local.get $vw0) (f32x4.mul (local.get $vfk) (f32x4.sub (local.get $vwa) (local.get $vw0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vl)))
      ;; scalar tail, same operations
      (block $sd (loop $sl
        (br_if $sd (i32.ge_u (local.get $i) (local.get $bins4)))
        (local.set $sar (f32.load (i32.add (local.get $xRe) (i32.add (local.get $xo) (local.get $i)))))
        (local.set $sai (f32.load (i32.add (local.get $xIm) (i32.add (local.get $xo) (local.get $i)))))
        (local.set $sgr (f32.load (i32.add (local.get $gRe) (local.get $i))))
        (local.set $sgi (f32.load (i32.add (local.get $gIm) (local.get $i))))
        (local.set $sre (f32.add (f32.mul (local.get $sar) (local.get $sgr)) (f32.mul (local.get $sai) (local.get $sgi))))
        (local.set $sim (f32.sub (f32.mul (local.get $sar) (local.get $sgi)) (f32.mul (local.get $sai) (local.get $sgr))))
        (if (local.get $f) (then
          (local.set $sc (f32.load (i32.add (local.get $f) (local.get $i))))
          (local.set $sre (f32.mul (local.get $sre) (local.get $sc)))
          (local.set $sim (f32.mul (local.get $sim) (local.get $sc)))))
        (local.set $edge (i32.or (i32.eqz (local.get $i)) (i32.eq (local.get $i) (local.get $m4))))
        (local.set $sc (select (local.get $cEdge) (local.get $cMid) (local.get $edge)))
        (local.set $sre (f32.mul (local.get $sc) (local.get $sre)))
        (local.set $sim (select (f32.const 0) (f32.mul (local.get $sc) (local.get $sim)) (local.get $edge)))
        (local.set $sm (f32.load (i32.add (local.get $m) (i32.add (local.get $oRe) (local.get $i)))))
        (local.set $sm
          (f32.add (local.get $sm)
            (f32.mul (f32.sub (local.get $sre) (local.get $sm)) (local.get $c1))))
        (local.set $su
          (f32.max
            (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $u) (i32.add (local.get $oRe) (local.get $i)))))
            (f32.abs (local.get $sre))))
        (f32.store (i32.add (local.get $m) (i32.add (local.get $oRe) (local.get $i))) (local.get $sm))
        (f32.store (i32.add (local.get $u) (i32.add (local.get $oRe) (local.get $i))) (local.get $su))
        (local.set $sw0 (f32.load (i32.add (local.get $w) (i32.add (local.get $oRe) (local.get $i)))))
        (local.set $swa
          (f32.sub (local.get $sw0)
            (f32.div
              (f32.mul (local.get $lr) (local.get $sm))
              (f32.mul (local.get $k) (f32.add (local.get $su) (local.get $eps))))))
        (local.set $sf (local.get $fRe))
        (if (local.get $bin) (then
          (local.set $sf (f32.mul (local.get $fRe) (f32.load (i32.add (local.get $bin) (local.get $i)))))))
        (f32.store (i32.add (local.get $w) (i32.add (local.get $oRe) (local.get $i)))
          (f32.add (local.get $sw0) (f32.mul (local.get $sf) (f32.sub (local.get $swa) (local.get $sw0)))))
        (local.set $sm (f32.load (i32.add (local.get $m) (i32.add (local.get $oIm) (local.get $i)))))
        (local.set $sm
          (f32.add (local.get $sm)
            (f32.mul (f32.sub (local.get $sim) (local.get $sm)) (local.get $c1))))
        (local.set $su
          (f32.max
            (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $u) (i32.add (local.get $oIm) (local.get $i)))))
            (f32.abs (local.get $sim))))
        (f32.store (i32.add (local.get $m) (i32.add (local.get $oIm) (local.get $i))) (local.get $sm))
        (f32.store (i32.add (local.get $u) (i32.add (local.get $oIm) (local.get $i))) (local.get $su))
        (local.set $sw0 (f32.load (i32.add (local.get $w) (i32.add (local.get $oIm) (local.get $i)))))
        (local.set $swa
          (f32.sub (local.get $sw0)
            (f32.div
              (f32.mul (local.get $lr) (local.get $sm))
              (f32.mul (local.get $k) (f32.add (local.get $su) (local.get $eps))))))
        (local.set $sf (local.get $fIm))
        (if (local.get $bin) (then
          (local.set $sf (f32.mul (local.get $fIm) (f32.load (i32.add (local.get $bin) (local.get $i)))))))
        (f32.store (i32.add (local.get $w) (i32.add (local.get $oIm) (local.get $i)))
          (f32.add (local.get $sw0) (f32.mul (local.get $sf) (f32.sub (local.get $swa) (local.get $sw0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sl)))
      (local.set $slot (select (i32.sub (local.get $parts) (i32.const 1)) (i32.sub (local.get $slot) (i32.const 1))
        (i32.eqz (local.get $slot))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pl)))
  )

  ;; Norms of the partitions of complex weights: partition p is $bins floats at re + 4 p bins, im + 4 p bins;
  ;;   e_p = sum_k (re_k^2 + im_k^2) in f64, in k order from 0;  out[p] = f32(sqrt(e_p))
  ;; Two partitions (p, q = p + 1; q = p for a last odd one) share an f64x2: lane 0 sums p, lane 1
  ;; sums q, each in k order (the lanes never mix), so each is the reference's scalar loop.
  (func $partition_norms (export "partition_norms") (param $re i32) (param $im i32) (param $bins i32) (param $parts i32) (param $out i32)
    (local $p i32) (local $bins4 i32) (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $k4 i32)
    (local $acc v128) (local $acc2 v128) (local $vr v128) (local $vi v128)
    (local.set $bins4 (i32.shl (local.get $bins) (i32.const 2)))
    ;; four partitions per pass (p .. p + 3, the last one repeated past the end) in two f64x2
    ;; accumulators: two independent chains of adds, each lane its own partition's sum in k order
    (block $pd (loop $pl
      (br_if $pd (i32.ge_u (local.get $p) (local.get $parts)))
      (local.set $o0 (i32.mul (local.get $p) (local.get $bins4)))
      (local.set $o1 (i32.mul (call $clamp_part (i32.add (local.get $p) (i32.const 1)) (local.get $parts)) (local.get $bins4)))
      (local.set $o2 (i32.mul (call $clamp_part (i32.add (local.get $p) (i32.const 2)) (local.get $parts)) (local.get $bins4)))
      (local.set $o3 (i32.mul (call $clamp_part (i32.add (local.get $p) (i32.const 3)) (local.get $parts)) (local.get $bins4)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $acc2 (v128.const i32x4 0 0 0 0))
      (local.set $k4 (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.ge_u (local.get $k4) (local.get $bins4)))
        (local.set $vr (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $re) (i32.add (local.get $o1) (local.get $k4)))
            (v128.load32_zero (i32.add (local.get $re) (i32.add (local.get $o0) (local.get $k4)))))))
        (local.set $vi (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $im) (i32.add (local.get $o1) (local.get $k4)))
            (v128.load32_zero (i32.add (local.get $im) (i32.add (local.get $o0) (local.get $k4)))))))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.add (f64x2.mul (local.get $vr) (local.get $vr)) (f64x2.mul (local.get $vi) (local.get $vi)))))
        (local.set $vr (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $re) (i32.add (local.get $o3) (local.get $k4)))
            (v128.load32_zero (i32.add (local.get $re) (i32.add (local.get $o2) (local.get $k4)))))))
        (local.set $vi (f64x2.promote_low_f32x4
          (v128.load32_lane 1 (i32.add (local.get $im) (i32.add (local.get $o3) (local.get $k4)))
            (v128.load32_zero (i32.add (local.get $im) (i32.add (local.get $o2) (local.get $k4)))))))
        (local.set $acc2 (f64x2.add (local.get $acc2)
          (f64x2.add (f64x2.mul (local.get $vr) (local.get $vr)) (f64x2.mul (local.get $vi) (local.get $vi)))))
        (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
        (br $kl)))
      (local.set $acc (f64x2.sqrt (local.get $acc)))
      (local.set $acc2 (f64x2.sqrt (local.get $acc2)))
      ;; stores in reverse, so that a repeated last partition ends with its own lane's (equal) value
      (f32.store (i32.add (local.get $out) (i32.div_u (local.get $o3) (local.get $bins)))
        (f32.demote_f64 (f64x2.extract_lane 1 (local.get $acc2))))
      (f32.store (i32.add (local.get $out) (i32.div_u (local.get $o2) (local.get $bins)))
        (f32.demote_f64 (f64x2.extract_lane 0 (local.get $acc2))))
      (f32.store (i32.add (local.get $out) (i32.div_u (local.get $o1) (local.get $bins)))
        (f32.demote_f64 (f64x2.extract_lane 1 (local.get $acc))))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2)))
        (f32.demote_f64 (f64x2.extract_lane 0 (local.get $acc))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $pl)))
  )

  ;; min(q, parts - 1)
  (func $clamp_part (param $q i32) (param $parts i32) (result i32)
    (select (local.get $q) (i32.sub (local.get $parts) (i32.const 1)) (i32.lt_u (local.get $q) (local.get $parts)))
  )


  ;; The per-bin convex combination of two output spectra and its gradient (bins k = 0..m, block m):
  ;;   D = Y1 - Y2 (f64);  Y1 <- f32(D);  Y2 <- f32(Y2 + lambda D)        (f64, D unrounded)
  ;;   y = IFFT(Y2);  e[i] = d[i] - y[m + i];  G = FFT([0_m, -e / m])     (f32)
  ;;   dl[k] = f32(c (Gr Y1r + Gi Y1i)) for 0 < k < m,  f32(0.5 c Gr Y1r) at k = 0, m   (f64; c = f32(1/m))
  ;; The f64 parts in f64x2 lanes (two bins each) and a scalar tail, each lane the reference's ops.
  (func $convex_output (export "convex_output") (param $yRe i32) (param $yIm i32) (param $y2Re i32) (param $y2Im i32)
    (param $lam i32) (param $d i32) (param $e i32) (param $buf i32) (param $gRe i32) (param $gIm i32)
    (param $dl i32) (param $tab i32) (param $m i32)
    (local $k4 i32) (local $end4 i32) (local $m4 i32) (local $c f64) (local $inv f32)
    (local $vl v128) (local $vd v128) (local $v2 v128) (local $ve v128) (local $vinv v128)
    (local $sd f64) (local $sl f64) (local $sv2 f64)
    (local.set $m4 (i32.shl (local.get $m) (i32.const 2)))
    (local.set $end4 (i32.add (local.get $m4) (i32.const 4)))
    ;; bins 0..m: pairs while two remain
    (block $pd (loop $pl
      (br_if $pd (i32.gt_u (i32.add (local.get $k4) (i32.const 8)) (local.get $end4)))
      (local.set $vl (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $lam) (local.get $k4)))))
      (local.set $v2 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $y2Re) (local.get $k4)))))
      (local.set $vd (f64x2.sub
        (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $yRe) (local.get $k4)))) (local.get $v2)))
      (v128.store64_lane align=4 0 (i32.add (local.get $yRe) (local.get $k4)) (f32x4.demote_f64x2_zero (local.get $vd)))
      (v128.store64_lane align=4 0 (i32.add (local.get $y2Re) (local.get $k4))
        (f32x4.demote_f64x2_zero (f64x2.add (local.get $v2) (f64x2.mul (local.get $vl) (local.get $vd)))))
      (local.set $v2 (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $y2Im) (local.get $k4)))))
      (local.set $vd (f64x2.sub
        (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $yIm) (local.get $k4)))) (local.get $v2)))
      (v128.store64_lane align=4 0 (i32.add (local.get $yIm) (local.get $k4)) (f32x4.demote_f64x2_zero (local.get $vd)))
      (v128.store64_lane align=4 0 (i32.add (local.get $y2Im) (local.get $k4))
        (f32x4.demote_f64x2_zero (f64x2.add (local.get $v2) (f64x2.mul (local.get $vl) (local.get $vd)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 8)))
      (br $pl)))
    (block $sd (loop $sl2
      (br_if $sd (i32.ge_u (local.get $k4) (local.get $end4)))
      (local.set $sl (f64.promote_f32 (f32.load (i32.add (local.get $lam) (local.get $k4)))))
      (local.set $sv2 (f64.promote_f32 (f32.load (i32.add (local.get $y2Re) (local.get $k4)))))
      (local.set $sd (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $yRe) (local.get $k4)))) (local.get $sv2)))
      (f32.store (i32.add (local.get $yRe) (local.get $k4)) (f32.demote_f64 (local.get $sd)))
      (f32.store (i32.add (local.get $y2Re) (local.get $k4))
        (f32.demote_f64 (f64.add (local.get $sv2) (f64.mul (local.get $sl) (local.get $sd)))))
      (local.set $sv2 (f64.promote_f32 (f32.load (i32.add (local.get $y2Im) (local.get $k4)))))
      (local.set $sd (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $yIm) (local.get $k4)))) (local.get $sv2)))
      (f32.store (i32.add (local.get $yIm) (local.get $k4)) (f32.demote_f64 (local.get $sd)))
      (f32.store (i32.add (local.get $y2Im) (local.get $k4))
        (f32.demote_f64 (f64.add (local.get $sv2) (f64.mul (local.get $sl) (local.get $sd)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $sl2)))
    (call $rfft_inverse (local.get $y2Re) (local.get $y2Im) (local.get $buf) (local.get $tab) (local.get $m))
    ;; e = d - y;  buf = [0, -e / m]
    (local.set $inv (f32.div (f32.const 1) (f32.convert_i32_u (local.get $m))))
    (local.set $vinv (f32x4.splat (local.get $inv)))
    (local.set $k4 (i32.const 0))
    (block $ed (loop $el
      (br_if $ed (i32.gt_u (i32.add (local.get $k4) (i32.const 16)) (local.get $m4)))
      (local.set $ve (f32x4.sub (v128.load align=4 (i32.add (local.get $d) (local.get $k4)))
        (v128.load align=4 (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4))))))
      (v128.store align=4 (i32.add (local.get $e) (local.get $k4)) (local.get $ve))
      (v128.store align=4 (i32.add (local.get $buf) (local.get $k4)) (v128.const i32x4 0 0 0 0))
      (v128.store align=4 (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4)))
        (f32x4.mul (f32x4.neg (local.get $ve)) (local.get $vinv)))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $el)))
    (block $etd (loop $etl
      (br_if $etd (i32.ge_u (local.get $k4) (local.get $m4)))
      (f32.store (i32.add (local.get $e) (local.get $k4))
        (f32.sub (f32.load (i32.add (local.get $d) (local.get $k4)))
          (f32.load (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4))))))
      (f32.store (i32.add (local.get $buf) (local.get $k4)) (f32.const 0))
      (f32.store (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4)))
        (f32.mul (f32.neg (f32.load (i32.add (local.get $e) (local.get $k4)))) (local.get $inv)))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $etl)))
    (call $rfft_forward (local.get $buf) (local.get $gRe) (local.get $gIm) (local.get $tab) (local.get $m))
    ;; dl[k] = c (Gr Y1r + Gi Y1i), 0 < k < m, in f64
    (local.set $c (f64.promote_f32 (local.get $inv)))
    (local.set $k4 (i32.const 4))
    (block $gd (loop $gl
      (br_if $gd (i32.gt_u (i32.add (local.get $k4) (i32.const 8)) (local.get $m4)))
      (v128.store64_lane align=4 0 (i32.add (local.get $dl) (local.get $k4))
        (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.splat (local.get $c))
          (f64x2.add
            (f64x2.mul
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $gRe) (local.get $k4))))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $yRe) (local.get $k4)))))
            (f64x2.mul
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $gIm) (local.get $k4))))
              (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $yIm) (local.get $k4)))))))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 8)))
      (br $gl)))
    (block $gtd (loop $gtl
      (br_if $gtd (i32.ge_u (local.get $k4) (local.get $m4)))
      (f32.store (i32.add (local.get $dl) (local.get $k4))
        (f32.demote_f64 (f64.mul (local.get $c)
          (f64.add
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $gRe) (local.get $k4))))
              (f64.promote_f32 (f32.load (i32.add (local.get $yRe) (local.get $k4)))))
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $gIm) (local.get $k4))))
              (f64.promote_f32 (f32.load (i32.add (local.get $yIm) (local.get $k4)))))))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $gtl)))
    ;; the edges k = 0 and k = m: ((0.5 c) Gr) Y1r
    (f32.store (local.get $dl)
      (f32.demote_f64 (f64.mul (f64.mul (f64.mul (f64.const 0.5) (local.get $c))
        (f64.promote_f32 (f32.load (local.get $gRe)))) (f64.promote_f32 (f32.load (local.get $yRe))))))
    (f32.store (i32.add (local.get $dl) (local.get $m4))
      (f32.demote_f64 (f64.mul (f64.mul (f64.mul (f64.const 0.5) (local.get $c))
        (f64.promote_f32 (f32.load (i32.add (local.get $gRe) (local.get $m4)))))
        (f64.promote_f32 (f32.load (i32.add (local.get $yRe) (local.get $m4)))))))
  )

  ;; ===================================================================================
  ;; One learning pass of a partitioned FD filter (output: the error) and the output of a second
  ;; weight set on the same input, with the block energies (reference: fdLearnPass in
  ;; src/core/kernels/fd-kernels-reference.ts). $desc: 22 i32 slots written once by the caller
  ;;   0 d  1 xPrev  2 buf  3 tab  4 m  5 xRe  6 xIm  7 parts  8 bins  9 wRe  10 wIm  11 w2Re  12 w2Im
  ;;   13 yRe  14 yIm  15 y2Re  16 y2Im  17 e  18 out1  19 out2  20 pred  21 stats (f64[6], 8-aligned)
  ;;   22 gRe  23 gIm  24 lambda  25 dl  26 ec   (for fd_convex)
  ;; (byte pointers; m, parts, bins counts). The new reference block x is already at buf + 4m; $head
  ;; is the ring slot its spectrum goes to.
  ;;   pd = sum d^2, px = sum x^2 (f64, in i order); pd/m + px/m not finite: return 1, nothing written
  ;;   buf[0, m) <- xPrev, xPrev <- x;  X_head = rfft(buf);  Y, Y2 = spectral_mac2
  ;;   y = irfft(Y)[m, 2m): e = d - y (f32) into e and out1; eb = sum e^2, py = sum t^2 with
  ;;     t = d - e in f64 (pred <- f32(t))
  ;;   y2 = irfft(Y2)[m, 2m): out2 = d - y2 (f32); ef = sum out2^2
  ;;   stats <- pd, px, eb, ef, py (f64); return 0
  ;; (a float32 difference rounded once equals the float64 one rounded to float32: 53 >= 2*24 + 2)
  (func (export "fd_learn2") (param $desc i32) (param $head i32) (result i32)
    (local $d i32) (local $xPrev i32) (local $buf i32) (local $tab i32) (local $m i32) (local $m4 i32)
    (local $xRe i32) (local $xIm i32) (local $parts i32) (local $bins i32) (local $y2Re i32) (local $y2Im i32)
    (local $e i32) (local $out1 i32) (local $out2 i32) (local $pred i32) (local $st i32) (local $so i32)
    (local $k4 i32) (local $v f64) (local $t f64) (local $err f32)
    (local $pd f64) (local $px f64) (local $eb f64) (local $ef f64) (local $py f64)
    (local.set $d (i32.load (local.get $desc)))
    (local.set $xPrev (i32.load offset=4 (local.get $desc)))
    (local.set $buf (i32.load offset=8 (local.get $desc)))
    (local.set $tab (i32.load offset=12 (local.get $desc)))
    (local.set $m (i32.load offset=16 (local.get $desc)))
    (local.set $xRe (i32.load offset=20 (local.get $desc)))
    (local.set $xIm (i32.load offset=24 (local.get $desc)))
    (local.set $parts (i32.load offset=28 (local.get $desc)))
    (local.set $bins (i32.load offset=32 (local.get $desc)))
    (local.set $y2Re (i32.load offset=60 (local.get $desc)))
    (local.set $y2Im (i32.load offset=64 (local.get $desc)))
    (local.set $e (i32.load offset=68 (local.get $desc)))
    (local.set $out1 (i32.load offset=72 (local.get $desc)))
    (local.set $out2 (i32.load offset=76 (local.get $desc)))
    (local.set $pred (i32.load offset=80 (local.get $desc)))
    (local.set $st (i32.load offset=84 (local.get $desc)))
    (local.set $m4 (i32.shl (local.get $m) (i32.const 2)))
    ;; the input energies; a non-finite block leaves everything as it was
    (block $ed (loop $el
      (br_if $ed (i32.ge_u (local.get $k4) (local.get $m4)))
      (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $d) (local.get $k4)))))
      (local.set $pd (f64.add (local.get $pd) (f64.mul (local.get $v) (local.get $v))))
      (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4))))))
      (local.set $px (f64.add (local.get $px) (f64.mul (local.get $v) (local.get $v))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $el)))
    (local.set $v (f64.convert_i32_u (local.get $m)))
    (local.set $t (f64.add (f64.div (local.get $pd) (local.get $v)) (f64.div (local.get $px) (local.get $v))))
    (if (f64.ne (f64.sub (local.get $t) (local.get $t)) (f64.const 0)) (then (return (i32.const 1))))
    ;; the window [xPrev, x] and the new xPrev
    (local.set $k4 (i32.const 0))
    (block $cd (loop $cl
      (br_if $cd (i32.gt_u (i32.add (local.get $k4) (i32.const 16)) (local.get $m4)))
      (v128.store align=4 (i32.add (local.get $buf) (local.get $k4)) (v128.load align=4 (i32.add (local.get $xPrev) (local.get $k4))))
      (v128.store align=4 (i32.add (local.get $xPrev) (local.get $k4))
        (v128.load align=4 (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 16)))
      (br $cl)))
    (block $ctd (loop $ctl
      (br_if $ctd (i32.ge_u (local.get $k4) (local.get $m4)))
      (f32.store (i32.add (local.get $buf) (local.get $k4)) (f32.load (i32.add (local.get $xPrev) (local.get $k4))))
      (f32.store (i32.add (local.get $xPrev) (local.get $k4))
        (f32.load (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4)))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $ctl)))
    (local.set $so (i32.mul (local.get $head) (i32.shl (local.get $bins) (i32.const 2))))
    (call $rfft_forward (local.get $buf) (i32.add (local.get $xRe) (local.get $so)) (i32.add (local.get $xIm) (local.get $so))
      (local.get $tab) (local.get $m))
    (call $spectral_mac2 (i32.load offset=52 (local.get $desc)) (i32.load offset=56 (local.get $desc))
      (i32.load offset=36 (local.get $desc)) (i32.load offset=40 (local.get $desc))
      (local.get $y2Re) (local.get $y2Im) (i32.load offset=44 (local.get $desc)) (i32.load offset=48 (local.get $desc))
      (local.get $xRe) (local.get $xIm) (local.get $head) (local.get $parts) (local.get $bins))
    ;; the learning pass's error, its energy and the prediction d - e
    (call $rfft_inverse (i32.load offset=52 (local.get $desc)) (i32.load offset=56 (local.get $desc))
      (local.get $buf) (local.get $tab) (local.get $m))
    (local.set $k4 (i32.const 0))
    (block $ad (loop $al
      (br_if $ad (i32.ge_u (local.get $k4) (local.get $m4)))
      (local.set $err (f32.sub (f32.load (i32.add (local.get $d) (local.get $k4)))
        (f32.load (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4))))))
      (f32.store (i32.add (local.get $e) (local.get $k4)) (local.get $err))
      (f32.store (i32.add (local.get $out1) (local.get $k4)) (local.get $err))
      (local.set $v (f64.promote_f32 (local.get $err)))
      (local.set $eb (f64.add (local.get $eb) (f64.mul (local.get $v) (local.get $v))))
      (local.set $t (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $d) (local.get $k4)))) (local.get $v)))
      (f32.store (i32.add (local.get $pred) (local.get $k4)) (f32.demote_f64 (local.get $t)))
      (local.set $py (f64.add (local.get $py) (f64.mul (local.get $t) (local.get $t))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $al)))
    ;; the second weight set's output and its energy
    (call $rfft_inverse (local.get $y2Re) (local.get $y2Im) (local.get $buf) (local.get $tab) (local.get $m))
    (local.set $k4 (i32.const 0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_u (local.get $k4) (local.get $m4)))
      (local.set $err (f32.sub (f32.load (i32.add (local.get $d) (local.get $k4)))
        (f32.load (i32.add (local.get $buf) (i32.add (local.get $m4) (local.get $k4))))))
      (f32.store (i32.add (local.get $out2) (local.get $k4)) (local.get $err))
      (local.set $v (f64.promote_f32 (local.get $err)))
      (local.set $ef (f64.add (local.get $ef) (f64.mul (local.get $v) (local.get $v))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $bl)))
    (f64.store (local.get $st) (local.get $pd))
    (f64.store offset=8 (local.get $st) (local.get $px))
    (f64.store offset=16 (local.get $st) (local.get $eb))
    (f64.store offset=24 (local.get $st) (local.get $ef))
    (f64.store offset=32 (local.get $st) (local.get $py))
    (i32.const 0)
  )

  ;; The per-bin convex combination of the last fd_learn2's two output spectra (convex_output with
  ;; the descriptor's pointers: Y = yRe/yIm, Y2 = y2Re/y2Im, lambda, d, e = ec, buf, G = gRe/gIm, dl,
  ;; tab, m), then stats[5] <- sum ec^2 (f64, in i order).
  (func (export "fd_convex") (param $desc i32)
    (local $ec i32) (local $k4 i32) (local $m4 i32) (local $v f64) (local $acc f64)
    (local.set $ec (i32.load offset=104 (local.get $desc)))
    (call $convex_output (i32.load offset=52 (local.get $desc)) (i32.load offset=56 (local.get $desc))
      (i32.load offset=60 (local.get $desc)) (i32.load offset=64 (local.get $desc))
      (i32.load offset=96 (local.get $desc)) (i32.load (local.get $desc)) (local.get $ec)
      (i32.load offset=8 (local.get $desc)) (i32.load offset=88 (local.get $desc)) (i32.load offset=92 (local.get $desc))
      (i32.load offset=100 (local.get $desc)) (i32.load offset=12 (local.get $desc)) (i32.load offset=16 (local.get $desc)))
    (local.set $m4 (i32.shl (i32.load offset=16 (local.get $desc)) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $k4) (local.get $m4)))
      (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $ec) (local.get $k4)))))
      (local.set $acc (f64.add (local.get $acc) (f64.mul (local.get $v) (local.get $v))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $l)))
    (f64.store offset=40 (i32.load offset=84 (local.get $desc)) (local.get $acc))
  )

  ;; ===================================================================================
  ;; One proportionate Adamax step of a partitioned filter's weights from the error of its last
  ;; pass, then the weight constraint of one partition (reference: fdStep in
  ;; src/core/kernels/fd-kernels-reference.ts). $desc: 11 i32 slots written once by the caller
  ;;   0 xRe  1 xIm  2 gRe  3 gIm  4 buf  5 tab  6 e  7 m  8 parts  9 bins  10 loss (f64, 8-aligned)
  ;; $w, $m, $u, $s, $row, $bin as fd_adamax_scaled; $prop: 0, or two f64 (alpha, max): then the
  ;; row factors are computed here (P = parts rows of re, then P of im):
  ;;   alpha > 0 and T = sum_p n_p > 0 (f64, p order; n_p = partition_norms of w):
  ;;     f_p = f32((1 - alpha) + (alpha n_p) (P / T)), f_p = f32(max) when f_p > max; row[p] = row[P + p] = f_p
  ;;   else every row factor 1
  ;; loss <- (0.5 sum e^2) / m (f64, i order); buf = [0, f32(-e (1/m))]; (gRe, gIm) = rfft(buf);
  ;; fd_adamax_scaled (no factor f); then, when $part >= 0, project_partitions [part, part + 1).
  (func (export "fd_step") (param $desc i32) (param $w i32) (param $m i32) (param $u i32) (param $s i32)
    (param $row i32) (param $bin i32) (param $prop i32) (param $head i32) (param $part i32)
    (local $buf i32) (local $tab i32) (local $e i32) (local $mb i32) (local $mb4 i32) (local $parts i32) (local $bins i32)
    (local $im i32) (local $p4 i32) (local $k4 i32) (local $a f64) (local $hi f64) (local $total f64) (local $inv f64)
    (local $v f32) (local $loss f64) (local $ev f64)
    (local.set $buf (i32.load offset=16 (local.get $desc)))
    (local.set $tab (i32.load offset=20 (local.get $desc)))
    (local.set $e (i32.load offset=24 (local.get $desc)))
    (local.set $mb (i32.load offset=28 (local.get $desc)))
    (local.set $parts (i32.load offset=32 (local.get $desc)))
    (local.set $bins (i32.load offset=36 (local.get $desc)))
    (local.set $mb4 (i32.shl (local.get $mb) (i32.const 2)))
    (local.set $im (i32.add (local.get $w) (i32.mul (i32.shl (local.get $parts) (i32.const 2)) (local.get $bins))))
    (if (local.get $prop) (then
      (local.set $a (f64.load (local.get $prop)))
      (local.set $hi (f64.load offset=8 (local.get $prop)))
      (if (f64.gt (local.get $a) (f64.const 0)) (then
        (call $partition_norms (local.get $w) (local.get $im) (local.get $bins) (local.get $parts) (local.get $row))
        (block $td (loop $tl
          (br_if $td (i32.ge_u (local.get $p4) (i32.shl (local.get $parts) (i32.const 2))))
          (local.set $total (f64.add (local.get $total) (f64.promote_f32 (f32.load (i32.add (local.get $row) (local.get $p4))))))
          (local.set $p4 (i32.add (local.get $p4) (i32.const 4)))
          (br $tl)))))
      (if (f64.gt (local.get $total) (f64.const 0))
        (then
          (local.set $inv (f64.div (f64.convert_i32_u (local.get $parts)) (local.get $total)))
          (local.set $p4 (i32.const 0))
          (block $fd (loop $fl
            (br_if $fd (i32.ge_u (local.get $p4) (i32.shl (local.get $parts) (i32.const 2))))
            (local.set $v (f32.demote_f64 (f64.add (f64.sub (f64.const 1) (local.get $a))
              (f64.mul (f64.mul (local.get $a) (f64.promote_f32 (f32.load (i32.add (local.get $row) (local.get $p4)))))
                (local.get $inv)))))
            (if (f64.gt (f64.promote_f32 (local.get $v)) (local.get $hi)) (then (local.set $v (f32.demote_f64 (local.get $hi)))))
            (f32.store (i32.add (local.get $row) (local.get $p4)) (local.get $v))
            (f32.store (i32.add (local.get $row) (i32.add (local.get $p4) (i32.shl (local.get $parts) (i32.const 2)))) (local.get $v))
            (local.set $p4 (i32.add (local.get $p4) (i32.const 4)))
            (br $fl))))
        (else
          ;; alpha <= 0 (or NaN) or no weight: every factor 1 (total is 0 unless the norms ran)
          (local.set $p4 (i32.const 0))
          (block $od (loop $ol
            (br_if $od (i32.ge_u (local.get $p4) (i32.shl (local.get $parts) (i32.const 3))))
            (f32.store (i32.add (local.get $row) (local.get $p4)) (f32.const 1))
            (local.set $p4 (i32.add (local.get $p4) (i32.const 4)))
            (br $ol)))))))
    ;; the loss and the error spectrum G = rfft([0, -e/m])
    (local.set $inv (f64.div (f64.const 1) (f64.convert_i32_u (local.get $mb))))
    (block $ed (loop $el
      (br_if $ed (i32.ge_u (local.get $k4) (local.get $mb4)))
      (local.set $ev (f64.promote_f32 (f32.load (i32.add (local.get $e) (local.get $k4)))))
      (f32.store (i32.add (local.get $buf) (local.get $k4)) (f32.const 0))
      (f32.store (i32.add (local.get $buf) (i32.add (local.get $mb4) (local.get $k4)))
        (f32.demote_f64 (f64.mul (f64.neg (local.get $ev)) (local.get $inv))))
      (local.set $loss (f64.add (local.get $loss) (f64.mul (local.get $ev) (local.get $ev))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $el)))
    (f64.store (i32.load offset=40 (local.get $desc))
      (f64.div (f64.mul (f64.const 0.5) (local.get $loss)) (f64.convert_i32_u (local.get $mb))))
    (call $rfft_forward (local.get $buf) (i32.load offset=8 (local.get $desc)) (i32.load offset=12 (local.get $desc))
      (local.get $tab) (local.get $mb))
    (call $fd_adamax_scaled (local.get $w) (local.get $m) (local.get $u) (local.get $s) (local.get $row) (local.get $bin)
      (i32.load (local.get $desc)) (i32.load offset=4 (local.get $desc))
      (i32.load offset=8 (local.get $desc)) (i32.load offset=12 (local.get $desc))
      (i32.const 0) (local.get $head) (local.get $parts) (local.get $bins))
    (if (i32.ge_s (local.get $part) (i32.const 0)) (then
      (call $project_partitions (local.get $w) (local.get $im) (local.get $bins) (local.get $part)
        (i32.add (local.get $part) (i32.const 1)) (local.get $tab) (local.get $buf))))
  )

  ;; ===================================================================================
  ;; The mixing weights of a per-bin convex combination (reference: src/core/kernels/sigmoid-clip.ts).
  ;; ===================================================================================

  ;; Per element k < n of the float32 logits at $a, with L the f64 at byte address $lim:
  ;;   a > L: a <- f32(L);  else a < -L: a <- f32(-L)        (compared in f64)
  ;;   lam[k] <- f32(1 / (1 + exp(-a)))                        (f64, exp = the engine's Math.exp)
  ;; exp is evaluated here as 2^j p(r) (x = j ln2 + r, |r| <= ln2/2, p the degree-12 Taylor
  ;; polynomial by Estrin's scheme; relative error a few 2^-52) in f64x2 lanes. Math.exp (error below
  ;; one ulp) and this one differ by far less than 2^-46 relative, and so do the two values of
  ;; 1/(1+exp(-a)); a lane whose value is within 2^-44 (relative) of a float32 rounding boundary, or
  ;; not finite, or has |a| > 700, could round differently, so the kernel returns 1 for it (the
  ;; values it wrote are then not to be used: the caller recomputes every lam[k] with Math.exp, the
  ;; clipping being idempotent). Returns 0 when every lam[k] is f32(1 / (1 + Math.exp(-a))).
  (func (export "sigmoid_clip") (param $a i32) (param $lam i32) (param $n i32) (param $lim i32) (result i32)
    (local $k4 i32) (local $end i32) (local $L f64) (local $x f64) (local $bad v128)
    (local $vx v128) (local $vj v128) (local $vr v128) (local $vp v128) (local $vq v128) (local $v v128)
    (local $r2 v128) (local $r4 v128)
    (local $big v128) (local $invln2 v128) (local $ln2hi v128) (local $ln2lo v128) (local $one v128) (local $half v128) (local $p3 v128) (local $p4 v128) (local $p5 v128) (local $p6 v128) (local $p7 v128) (local $p8 v128) (local $p9 v128) (local $p10 v128) (local $p11 v128) (local $p12 v128) (local $below v128) (local $above v128)
    ;; the loop's constants (p_i = 1/i!; below, above: 1 -+ 2^-44)
    (local.set $big (v128.const f64x2 700 700))
    (local.set $invln2 (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0))
    (local.set $ln2hi (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))
    (local.set $ln2lo (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))
    (local.set $one (v128.const f64x2 1 1))
    (local.set $half (v128.const f64x2 0.5 0.5))
    (local.set $p3 (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3))
    (local.set $p4 (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5))
    (local.set $p5 (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))
    (local.set $p6 (v128.const f64x2 0x1.6c16c16c16c17p-10 0x1.6c16c16c16c17p-10))
    (local.set $p7 (v128.const f64x2 0x1.a01a01a01a01ap-13 0x1.a01a01a01a01ap-13))
    (local.set $p8 (v128.const f64x2 0x1.a01a01a01a01ap-16 0x1.a01a01a01a01ap-16))
    (local.set $p9 (v128.const f64x2 0x1.71de3a556c734p-19 0x1.71de3a556c734p-19))
    (local.set $p10 (v128.const f64x2 0x1.27e4fb7789f5cp-22 0x1.27e4fb7789f5cp-22))
    (local.set $p11 (v128.const f64x2 0x1.ae64567f544e4p-26 0x1.ae64567f544e4p-26))
    (local.set $p12 (v128.const f64x2 0x1.1eed8eff8d898p-29 0x1.1eed8eff8d898p-29))
    (local.set $below (v128.const f64x2 0x1.ffffffffffep-1 0x1.ffffffffffep-1))
    (local.set $above (v128.const f64x2 0x1.00000000001p+0 0x1.00000000001p+0))
    (local.set $L (f64.load (local.get $lim)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    ;; the clipping, in the order of the reference
    (block $cd (loop $cl
      (br_if $cd (i32.ge_u (local.get $k4) (local.get $end)))
      (local.set $x (f64.promote_f32 (f32.load (i32.add (local.get $a) (local.get $k4)))))
      (if (f64.gt (local.get $x) (local.get $L))
        (then (f32.store (i32.add (local.get $a) (local.get $k4)) (f32.demote_f64 (local.get $L))))
        (else (if (f64.lt (local.get $x) (f64.neg (local.get $L)))
          (then (f32.store (i32.add (local.get $a) (local.get $k4)) (f32.demote_f64 (f64.neg (local.get $L))))))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 4)))
      (br $cl)))
    ;; two elements per f64x2 (the last one of an odd n alone in lane 0)
    (local.set $k4 (i32.const 0))
    (block $vd (loop $vl
      (br_if $vd (i32.ge_u (local.get $k4) (local.get $end)))
      (local.set $vx (f64x2.neg (f64x2.promote_low_f32x4
        (if (result v128) (i32.le_u (i32.add (local.get $k4) (i32.const 8)) (local.get $end))
          (then (v128.load64_zero (i32.add (local.get $a) (local.get $k4))))
          (else (v128.load32_zero (i32.add (local.get $a) (local.get $k4))))))))
      ;; |x| > 700 (or NaN: the comparison fails) is flagged
      (local.set $bad (v128.or (local.get $bad)
        (v128.not (f64x2.le (f64x2.abs (local.get $vx)) (local.get $big)))))
      ;; x = j ln2 + r: j = nearest(x / ln2), r = (x - j ln2_hi) - j ln2_lo (ln2_hi: 32 significant bits)
      (local.set $vj (f64x2.nearest (f64x2.mul (local.get $vx) (local.get $invln2))))
      (local.set $vr (f64x2.sub
        (f64x2.sub (local.get $vx) (f64x2.mul (local.get $vj) (local.get $ln2hi)))
        (f64x2.mul (local.get $vj) (local.get $ln2lo))))
      ;; p(r) = sum_{i<=12} r^i / i!, Estrin's scheme (pairs, then r^2, r^4, r^8: a short dependency chain)
      (local.set $r2 (f64x2.mul (local.get $vr) (local.get $vr)))
      (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
      (local.set $vp (f64x2.add
        (f64x2.add (f64x2.add (f64x2.add (local.get $one) (f64x2.mul (local.get $one) (local.get $vr))) (f64x2.mul (f64x2.add (local.get $half) (f64x2.mul (local.get $p3) (local.get $vr))) (local.get $r2))) (f64x2.mul (f64x2.add (f64x2.add (local.get $p4) (f64x2.mul (local.get $p5) (local.get $vr))) (f64x2.mul (f64x2.add (local.get $p6) (f64x2.mul (local.get $p7) (local.get $vr))) (local.get $r2))) (local.get $r4)))
        (f64x2.mul
          (f64x2.add (f64x2.add (f64x2.add (local.get $p8) (f64x2.mul (local.get $p9) (local.get $vr))) (f64x2.mul (f64x2.add (local.get $p10) (f64x2.mul (local.get $p11) (local.get $vr))) (local.get $r2))) (f64x2.mul (local.get $p12) (local.get $r4)))
          (f64x2.mul (local.get $r4) (local.get $r4)))))
      ;; times 2^j (j in [-1010, 1010] when |x| <= 700: the exponent field j + 1023), then 1 / (1 + e)
      (local.set $vp (f64x2.mul (local.get $vp)
        (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero
          (local.get $vj)))
          (v128.const i64x2 1023 1023)) (i32.const 52))))
      (local.set $v (f64x2.div (local.get $one) (f64x2.add (local.get $one) (local.get $vp))))
      (local.set $vq (f32x4.demote_f64x2_zero (local.get $v)))
      ;; a lane within 2^-44 of a float32 rounding boundary is flagged
      (local.set $bad (v128.or (local.get $bad) (v128.or
        (i32x4.ne (local.get $vq) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $v) (local.get $below))))
        (i32x4.ne (local.get $vq) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $v) (local.get $above)))))))
      (if (i32.le_u (i32.add (local.get $k4) (i32.const 8)) (local.get $end))
        (then (v128.store64_lane 0 (i32.add (local.get $lam) (local.get $k4)) (local.get $vq)))
        (else (v128.store32_lane 0 (i32.add (local.get $lam) (local.get $k4)) (local.get $vq))))
      (local.set $k4 (i32.add (local.get $k4) (i32.const 8)))
      (br $vl)))
    (v128.any_true (local.get $bad))
  )

  ;; ===================================================================================
  ;; Coherent power of a block with a partitioned filter's newest input spectra (reference:
  ;; src/core/kernels/coherent-power.ts, bit-identical), from a descriptor (CoherenceSlots, i32 at
  ;; byte 4*slot: d buf tab m dRe dIm xRe xIm parts bins lags st ab out). D = FFT([0_m, d]); per bin k
  ;; and lag l (X_l = ring row (head - l) mod parts):
  ;;   C_lk <- a C_lk + b conj(X_lk) D_k;  sig_k = sum_l |C_lk|^2 (l order)
  ;;   S_k <- a S_k + b |X_0k|^2;  Q_k <- a Q_k + b |D_k|^2
  ;;   out[0] = sum_k sig_k / (S_k + f32(1e-30)),  out[1] = sum_k Q_k
  ;; st: C re, C im (lags * bins each), S, Q, sig (bins each). Sums: $lane_sum.
  ;; ===================================================================================
  (func (export "coherent_power") (param $desc i32) (param $head i32)
    (local $m4 i32) (local $buf i32) (local $d i32) (local $k i32) (local $bins i32) (local $lags i32)
    (local $parts i32) (local $end i32) (local $v i32) (local $l i32) (local $row i32) (local $nb i32)
    (local $cr i32) (local $sx i32) (local $q i32) (local $sig i32) (local $ab i32) (local $out i32)
    (local.set $m4 (i32.shl (i32.load offset=12 (local.get $desc)) (i32.const 2)))
    (local.set $buf (i32.load offset=4 (local.get $desc)))
    (local.set $d (i32.load (local.get $desc)))
    ;; buf = [0_m, d]
    (block $c1 (loop $l1
      (br_if $c1 (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $m4)))
      (v128.store align=4 (i32.add (local.get $buf) (local.get $k)) (v128.const i32x4 0 0 0 0))
      (v128.store align=4 (i32.add (i32.add (local.get $buf) (local.get $m4)) (local.get $k))
        (v128.load align=4 (i32.add (local.get $d) (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $l1)))
    (block $c2 (loop $l2
      (br_if $c2 (i32.ge_u (local.get $k) (local.get $m4)))
      (f32.store (i32.add (local.get $buf) (local.get $k)) (f32.const 0))
      (f32.store (i32.add (i32.add (local.get $buf) (local.get $m4)) (local.get $k))
        (f32.load (i32.add (local.get $d) (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $l2)))
    (call $rfft_forward (local.get $buf) (i32.load offset=16 (local.get $desc)) (i32.load offset=20 (local.get $desc))
      (i32.load offset=8 (local.get $desc)) (i32.shr_u (local.get $m4) (i32.const 2)))
    (local.set $parts (i32.load offset=32 (local.get $desc)))
    (local.set $bins (i32.load offset=36 (local.get $desc)))
    (local.set $lags (i32.load offset=40 (local.get $desc)))
    (local.set $cr (i32.load offset=44 (local.get $desc)))
    (local.set $ab (i32.load offset=48 (local.get $desc)))
    (local.set $out (i32.load offset=52 (local.get $desc)))
    (local.set $end (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $nb (i32.mul (local.get $lags) (local.get $end)))
    (local.set $sx (i32.add (local.get $cr) (i32.shl (local.get $nb) (i32.const 1))))
    (local.set $q (i32.add (local.get $sx) (local.get $end)))
    (local.set $sig (i32.add (local.get $q) (local.get $end)))
    (block $c3 (loop $l3
      (br_if $c3 (i32.ge_u (local.get $l) (local.get $lags)))
      (local.set $row
        (i32.mul
          (i32.rem_u (i32.add (i32.sub (local.get $head) (local.get $l)) (local.get $parts)) (local.get $parts))
          (local.get $end)))
      (call $coherence_lag
        (i32.add (i32.load offset=24 (local.get $desc)) (local.get $row))
        (i32.add (i32.load offset=28 (local.get $desc)) (local.get $row))
        (i32.load offset=16 (local.get $desc)) (i32.load offset=20 (local.get $desc))
        (i32.add (local.get $cr) (i32.mul (local.get $l) (local.get $end))) (local.get $nb)
        (local.get $sx) (local.get $q) (local.get $sig) (local.get $end) (local.get $ab) (i32.eqz (local.get $l)))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br $l3)))
    (f32.store (local.get $out) (call $lane_sum (local.get $sig) (local.get $sx) (local.get $end)))
    (f32.store offset=4 (local.get $out) (call $lane_sum (local.get $q) (i32.const -1) (local.get $end)))
  )

  ;; One lag of coherent_power: C (re at $c, im at $c + $nb) from X at $xr/$xi and D at $dr/$di over
  ;; $end bytes of bins; |C|^2 into sig ($first: sig = |C|^2, and the S and Q updates) or added to it.
  (func $coherence_lag (param $xr i32) (param $xi i32) (param $dr i32) (param $di i32) (param $c i32) (param $nb i32)
    (param $sx i32) (param $q i32) (param $sig i32) (param $end i32) (param $ab i32) (param $first i32)
    (local $k i32) (local $v i32) (local $a f32) (local $b f32) (local $va v128) (local $vb v128)
    (local $vxr v128) (local $vxi v128) (local $vdr v128) (local $vdi v128) (local $vr v128) (local $vi v128)
    (local $fxr f32) (local $fxi f32) (local $fdr f32) (local $fdi f32) (local $fr f32) (local $fi f32)
    (local.set $a (f32.load (local.get $ab)))
    (local.set $b (f32.load offset=4 (local.get $ab)))
    (local.set $va (f32x4.splat (local.get $a)))
    (local.set $vb (f32x4.splat (local.get $b)))
    (local.set $v (i32.and (local.get $end) (i32.const -16)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $k) (local.get $v)))
      (local.set $vxr (v128.load align=4 (i32.add (local.get $xr) (local.get $k))))
      (local.set $vxi (v128.load align=4 (i32.add (local.get $xi) (local.get $k))))
      (local.set $vdr (v128.load align=4 (i32.add (local.get $dr) (local.get $k))))
      (local.set $vdi (v128.load align=4 (i32.add (local.get $di) (local.get $k))))
      (local.set $vr
        (f32x4.add
          (f32x4.mul (local.get $va) (v128.load align=4 (i32.add (local.get $c) (local.get $k))))
          (f32x4.mul (local.get $vb)
            (f32x4.add (f32x4.mul (local.get $vxr) (local.get $vdr)) (f32x4.mul (local.get $vxi) (local.get $vdi))))))
      (local.set $vi
        (f32x4.add
          (f32x4.mul (local.get $va) (v128.load align=4 (i32.add (i32.add (local.get $c) (local.get $nb)) (local.get $k))))
          (f32x4.mul (local.get $vb)
            (f32x4.sub (f32x4.mul (local.get $vxr) (local.get $vdi)) (f32x4.mul (local.get $vxi) (local.get $vdr))))))
      (v128.store align=4 (i32.add (local.get $c) (local.get $k)) (local.get $vr))
      (v128.store align=4 (i32.add (i32.add (local.get $c) (local.get $nb)) (local.get $k)) (local.get $vi))
      (local.set $vr (f32x4.add (f32x4.mul (local.get $vr) (local.get $vr)) (f32x4.mul (local.get $vi) (local.get $vi))))
      (if (local.get $first)
        (then
          (v128.store align=4 (i32.add (local.get $sig) (local.get $k)) (local.get $vr))
          (v128.store align=4 (i32.add (local.get $sx) (local.get $k))
            (f32x4.add
              (f32x4.mul (local.get $va) (v128.load align=4 (i32.add (local.get $sx) (local.get $k))))
              (f32x4.mul (local.get $vb)
                (f32x4.add (f32x4.mul (local.get $vxr) (local.get $vxr)) (f32x4.mul (local.get $vxi) (local.get $vxi))))))
          (v128.store align=4 (i32.add (local.get $q) (local.get $k))
            (f32x4.add
              (f32x4.mul (local.get $va) (v128.load align=4 (i32.add (local.get $q) (local.get $k))))
              (f32x4.mul (local.get $vb)
                (f32x4.add (f32x4.mul (local.get $vdr) (local.get $vdr)) (f32x4.mul (local.get $vdi) (local.get $vdi)))))))
        (else
          (v128.store align=4 (i32.add (local.get $sig) (local.get $k))
            (f32x4.add (v128.load align=4 (i32.add (local.get $sig) (local.get $k))) (local.get $vr)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $l1)))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $fxr (f32.load (i32.add (local.get $xr) (local.get $k))))
      (local.set $fxi (f32.load (i32.add (local.get $xi) (local.get $k))))
      (local.set $fdr (f32.load (i32.add (local.get $dr) (local.get $k))))
      (local.set $fdi (f32.load (i32.add (local.get $di) (local.get $k))))
      (local.set $fr
        (f32.add
          (f32.mul (local.get $a) (f32.load (i32.add (local.get $c) (local.get $k))))
          (f32.mul (local.get $b)
            (f32.add (f32.mul (local.get $fxr) (local.get $fdr)) (f32.mul (local.get $fxi) (local.get $fdi))))))
      (local.set $fi
        (f32.add
          (f32.mul (local.get $a) (f32.load (i32.add (i32.add (local.get $c) (local.get $nb)) (local.get $k))))
          (f32.mul (local.get $b)
            (f32.sub (f32.mul (local.get $fxr) (local.get $fdi)) (f32.mul (local.get $fxi) (local.get $fdr))))))
      (f32.store (i32.add (local.get $c) (local.get $k)) (local.get $fr))
      (f32.store (i32.add (i32.add (local.get $c) (local.get $nb)) (local.get $k)) (local.get $fi))
      (local.set $fr (f32.add (f32.mul (local.get $fr) (local.get $fr)) (f32.mul (local.get $fi) (local.get $fi))))
      (if (local.get $first)
        (then
          (f32.store (i32.add (local.get $sig) (local.get $k)) (local.get $fr))
          (f32.store (i32.add (local.get $sx) (local.get $k))
            (f32.add
              (f32.mul (local.get $a) (f32.load (i32.add (local.get $sx) (local.get $k))))
              (f32.mul (local.get $b)
                (f32.add (f32.mul (local.get $fxr) (local.get $fxr)) (f32.mul (local.get $fxi) (local.get $fxi))))))
          (f32.store (i32.add (local.get $q) (local.get $k))
            (f32.add
              (f32.mul (local.get $a) (f32.load (i32.add (local.get $q) (local.get $k))))
              (f32.mul (local.get $b)
                (f32.add (f32.mul (local.get $fdr) (local.get $fdr)) (f32.mul (local.get $fdi) (local.get $fdi)))))))
        (else
          (f32.store (i32.add (local.get $sig) (local.get $k))
            (f32.add (f32.load (i32.add (local.get $sig) (local.get $k))) (local.get $fr)))))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $l2)))
  )

  ;; Sum of $end bytes of floats at $p (or of p_k / (s_k + f32(1e-30)) when $s >= 0): one f32x4
  ;; accumulator over the bins below $end & ~15, reduced ((l0 + l1) + (l2 + l3)), plus the scalar tail.
  (func $lane_sum (param $p i32) (param $s i32) (param $end i32) (result f32)
    (local $k i32) (local $v i32) (local $acc v128) (local $x v128) (local $tail f32) (local $fx f32)
    (local.set $v (i32.and (local.get $end) (i32.const -16)))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $k) (local.get $v)))
      (local.set $x (v128.load align=4 (i32.add (local.get $p) (local.get $k))))
      (if (i32.ge_s (local.get $s) (i32.const 0))
        (then
          (local.set $x
            (f32x4.div (local.get $x)
              (f32x4.add (v128.load align=4 (i32.add (local.get $s) (local.get $k))) (f32x4.splat (f32.const 1e-30)))))))
      (local.set $acc (f32x4.add (local.get $acc) (local.get $x)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $l1)))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $fx (f32.load (i32.add (local.get $p) (local.get $k))))
      (if (i32.ge_s (local.get $s) (i32.const 0))
        (then
          (local.set $fx
            (f32.div (local.get $fx) (f32.add (f32.load (i32.add (local.get $s) (local.get $k))) (f32.const 1e-30))))))
      (local.set $tail (f32.add (local.get $tail) (local.get $fx)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br $l2)))
    (f32.add
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))
      (local.get $tail))
  )
)
