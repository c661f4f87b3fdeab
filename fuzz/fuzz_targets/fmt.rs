//! Bytes → `lomake fmt`. Whatever the input, formatting must not panic; a
//! file that parses is formatted (never refused as unformattable: the
//! formatter reads its own output back and would refuse a changed meaning),
//! and formatting the result again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lomake::fmt::{FmtError, format_source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = lomake::load::decode(data.to_vec()) else {
        return;
    };
    match format_source(&text) {
        Ok(out) => {
            let again = format_source(&out).expect("formatted text formats");
            assert_eq!(again, out, "not idempotent");
        }
        Err(FmtError::Syntax(_)) => {}
        Err(FmtError::Unformattable(why)) => panic!("refused: {why}"),
    }
});
