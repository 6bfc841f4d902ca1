//! Links the `cita` binary as a position-dependent executable.
//!
//! A PIE `cita` carries about 51,000 load-time relocations (tables of
//! pointers in its HTML, PDF, encoding and Unicode dependencies). Applying
//! them reads 1.2 MB of relocation records and copies on write the megabyte
//! of `.data.rel.ro` they patch, on every start: about 0.7 ms of a 3 ms
//! `cita search` on the development VM, where page faults are dear. Linked
//! at a fixed address, those pointers are resolved by the linker. Shared
//! libraries, heap, stack and mmaps stay randomized; set `CITA_PIE=1` when
//! building to keep the executable itself position-independent too.
fn main() {
    println!("cargo:rerun-if-env-changed=CITA_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if linux && std::env::var_os("CITA_PIE").is_none() {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
