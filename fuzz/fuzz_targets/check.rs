//! Bytes → the loader, parser and checker (and `ir.json` when it checks
//! clean). Whatever the input, lomake must not panic, and every diagnostic
//! must lie inside its file and render.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use lomake::check::{CheckOptions, check_file};
use lomake::diagnostics::render;
use lomake::source::MemoryLoader;

/// The shared module, so that `use "common/barometer.survey"` resolves.
const MODULE: &str = include_str!("../../surveys/common/barometer.survey");

fuzz_target!(|data: &[u8]| {
    let mut loader = MemoryLoader::new();
    loader.add("common/barometer.survey", MODULE);
    loader.add("s.survey", data);
    let checked = check_file(&loader, Path::new("s.survey"), &CheckOptions::default())
        .expect("the file is in memory");
    for d in &checked.diagnostics {
        let span = d.span.expect("every diagnostic is located");
        for s in std::iter::once(span).chain(d.secondary.iter().map(|l| l.span)) {
            let text = &checked.map.get(s.file).text;
            assert!(s.start <= s.end && s.end as usize <= text.len());
            assert!(text.is_char_boundary(s.start as usize));
            assert!(text.is_char_boundary(s.end as usize));
        }
        render(&checked.map, d);
    }
    assert!(checked.survey.is_some() || checked.is_module || checked.has_errors());
    if let Some(survey) = &checked.survey {
        survey.to_json();
    }
});
