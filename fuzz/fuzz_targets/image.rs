//! The image check of `upload_bfs` (format by content, pixel cap from the
//! header, every frame decoded under memory limits, nothing after the
//! end): any bytes are an image or a 21037, never a panic, a hang or an
//! allocation past the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("upload");
    std::fs::write(&path, data).expect("write the upload");
    // A small cap keeps each run fast; the rules are the same.
    let _ = sixin_server::fuzzing::check_image(&path, 1_000_000);
});
