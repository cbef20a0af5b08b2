//! The fonts embedded in every hearing list (Noto, OFL; see `fonts/OFL.txt`):
//! Latin plus the scripts names are written in across India, so a list prints
//! the same on any machine. Parsed once per process.

use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

const FILES: &[&[u8]] = &[
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSansDevanagari-Regular.ttf"),
    include_bytes!("../fonts/NotoSansDevanagari-Bold.ttf"),
    include_bytes!("../fonts/NotoSansTamil-Regular.ttf"),
    include_bytes!("../fonts/NotoSansTamil-Bold.ttf"),
    include_bytes!("../fonts/NotoSansBengali-Regular.ttf"),
    include_bytes!("../fonts/NotoSansGujarati-Regular.ttf"),
    include_bytes!("../fonts/NotoSansGurmukhi-Regular.ttf"),
    include_bytes!("../fonts/NotoSansTelugu-Regular.ttf"),
    include_bytes!("../fonts/NotoSansKannada-Regular.ttf"),
    include_bytes!("../fonts/NotoSansMalayalam-Regular.ttf"),
    include_bytes!("../fonts/NotoSansOriya-Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
];

/// The parsed fonts and their book, shared by every compilation.
pub(crate) struct Fonts {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_embedded_font_parses() {
        let f = super::fonts();
        assert_eq!(f.fonts.len(), super::FILES.len());
        let families: Vec<&str> = f.fonts.iter().map(|f| f.info().family.as_str()).collect();
        for family in [
            "Noto Sans",
            "Noto Sans Devanagari",
            "Noto Sans Tamil",
            "Noto Naskh Arabic",
        ] {
            assert!(families.contains(&family), "{family} missing from {families:?}");
        }
    }
}
