//! A PDF's text, page by page: pdf-extract's plain-text output, with two
//! changes.
//!
//! A line's height is the font's height. pdf-extract measures a glyph by
//! the side of the square with the area of its box, which horizontal
//! scaling (`Tz`) changes; the invisible text layer Tesseract and OCRmyPDF
//! lay over a scan scales each word to the width of the word scanned, so a
//! line of squeezed words measured smaller than its step down, pdf-extract
//! wrote a blank line after it, and a paragraph of the scan was cut into
//! passages at whichever of its lines were squeezed (a phrase across them
//! never found). Upright type set at its own width measures as before, and
//! so does type turned further than a scan's tilt; type tilted a little,
//! as a scan's lines are, is measured across its own baseline.
//!
//! A page the extractor fails on (it panics on much it does not expect: an
//! operand of the wrong type, a page without a media box) is left out,
//! and the others are read: the whole document failed with it before.

use pdf_extract::{
    Dictionary, Document, MediaBox, Object, ObjectId, OutputDev, OutputError, Transform,
};

use crate::error;

/// The text of each page of a PDF, in page order, and the pages (1-based)
/// the extractor failed on, whose text is empty.
pub(super) struct PageTexts {
    pub(super) pages: Vec<String>,
    pub(super) failed: Vec<u32>,
}

/// The text of each page of `document`. The document is read in one pass;
/// when a page fails, the pages before it stand, and it and each page
/// after it are read alone ([`OnePageCopy`]).
pub(super) fn extract(document: &Document) -> PageTexts {
    let mut writer = PageWriter::default();
    let whole = error::catching(|| pdf_extract::output_doc(document, &mut writer));
    let mut pages = writer.finished;
    let mut failed = Vec::new();
    if matches!(whole, Ok(Ok(()))) {
        return PageTexts { pages, failed };
    }
    let ids: Vec<ObjectId> = document.get_pages().into_values().collect();
    let mut copy = OnePageCopy::new(document);
    for (number, &id) in (1..).zip(&ids).skip(pages.len()) {
        let mut one = PageWriter::default();
        let read = copy
            .as_of(document, id)
            .map(|single| error::catching(|| pdf_extract::output_doc(single, &mut one)));
        match (read, one.finished.pop()) {
            (Some(Ok(Ok(()))), Some(text)) => pages.push(text),
            _ => {
                pages.push(String::new());
                failed.push(number);
            }
        }
    }
    PageTexts { pages, failed }
}

/// A copy of a document whose page tree holds one page at a time.
/// pdf-extract lists a document's pages on every call that reads one page,
/// so reading each page of the document itself alone took time growing
/// with the square of its pages (30 s for 8,000 pages after a failure on
/// the first); a tree of one page costs one.
struct OnePageCopy {
    /// The copy, and its page tree's root, or none when the document has
    /// no catalog to hang one from.
    copy: Option<(Document, ObjectId)>,
}

/// The attributes a page inherits from its page tree (PDF 32000-1, 7.7.3.4).
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

impl OnePageCopy {
    fn new(document: &Document) -> OnePageCopy {
        let mut copy = document.clone();
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set("Count", 1);
        let root = copy.add_object(tree);
        let catalog = copy
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .and_then(|id| copy.get_dictionary_mut(id));
        let copy = match catalog {
            Ok(catalog) => {
                catalog.set("Pages", Object::Reference(root));
                Some((copy, root))
            }
            Err(_) => None,
        };
        OnePageCopy { copy }
    }

    /// The copy with `page` of `document` as its only page, the attributes
    /// it inherits set on it.
    fn as_of(&mut self, document: &Document, page: ObjectId) -> Option<&Document> {
        let (copy, root) = self.copy.as_mut()?;
        copy.get_dictionary_mut(*root)
            .ok()?
            .set("Kids", vec![Object::Reference(page)]);
        let inherited: Vec<(&[u8], Object)> = INHERITED
            .into_iter()
            .filter_map(|key| Some((key, inherited(document, page, key)?)))
            .collect();
        let dictionary = copy.get_dictionary_mut(page).ok()?;
        for (key, value) in inherited {
            dictionary.set(key, value);
        }
        dictionary.set("Parent", Object::Reference(*root));
        Some(copy)
    }
}

/// The value of `key` for `page` of `document`: its own, else the nearest
/// of its page tree's nodes' (a tree's depth is bounded: a loop is refused
/// before the text is read, `pdf::page_in_a_loop`).
fn inherited(document: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    const MAX_DEPTH: usize = 64;
    let mut node = document.get_dictionary(page).ok()?;
    for _ in 0..MAX_DEPTH {
        if let Ok(value) = node.get(key) {
            return Some(value.clone());
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = document.get_dictionary(parent).ok()?;
    }
    None
}

/// pdf-extract's `PlainTextOutput`, writing one string per page and
/// measuring lines by the font's height (see the module documentation).
struct PageWriter {
    /// The text of each page ended so far.
    finished: Vec<String>,
    page: String,
    /// Where the last glyph ended along its line, and its baseline, in the
    /// page's space with y growing down the page.
    last_end: f64,
    last_y: f64,
    /// Whether the next glyph starts a string the PDF showed.
    first_char: bool,
    page_height: f64,
}

impl Default for PageWriter {
    fn default() -> Self {
        PageWriter {
            finished: Vec::new(),
            page: String::new(),
            // pdf-extract's start: the first glyph of a page moves left
            // and down from here, and writes the line breaks it writes.
            last_end: 100_000.0,
            last_y: 0.0,
            first_char: false,
            page_height: 0.0,
        }
    }
}

impl OutputDev for PageWriter {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        *self = PageWriter {
            finished: std::mem::take(&mut self.finished),
            page_height: media_box.ury - media_box.lly,
            ..PageWriter::default()
        };
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.finished.push(std::mem::take(&mut self.page));
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let (x, y) = (trm.m31, self.page_height - trm.m32);
        let (height, advance) = glyph_height_and_advance(trm, font_size);
        if self.first_char {
            if (y - self.last_y).abs() > height * 1.5 {
                self.page.push('\n');
            }
            // Moved to the left and down: a new line.
            if x < self.last_end && (y - self.last_y).abs() > height * 0.5 {
                self.page.push('\n');
            }
            if x > self.last_end + height * 0.1 {
                self.page.push(' ');
            }
        }
        self.page.push_str(char);
        self.first_char = false;
        self.last_y = y;
        self.last_end = x + width * advance;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A scan's lines lean this far from level at most (tan 5°): type turned
/// further is set so on purpose, and keeps pdf-extract's measure.
const MAX_TILT: f64 = 0.0875;

/// The height of a glyph drawn with `trm` (text space to the page) at
/// `font_size`, and the scale of its advance along the line. Upright type,
/// or tilted as a scan's lines are: the transformed font size along the
/// baseline and across it apart. Type turned or skewed further:
/// pdf-extract's single size for both (the side of the square with the
/// area of the transformed size's box).
fn glyph_height_and_advance(trm: &Transform, font_size: f64) -> (f64, f64) {
    let along = trm.m11.hypot(trm.m12);
    let tilted_a_little =
        trm.m12.abs() <= MAX_TILT * trm.m11.abs() && trm.m21.abs() <= MAX_TILT * trm.m22.abs();
    if tilted_a_little && along > 0.0 {
        // The area of the glyph's box over its length along the baseline.
        let across = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs() / along;
        return (font_size * across, font_size * along);
    }
    let along = font_size * (trm.m11 + trm.m21);
    let up = font_size * (trm.m12 + trm.m22);
    let size = (along * up).sqrt();
    (size, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transform(m11: f64, m12: f64, m21: f64, m22: f64) -> Transform {
        Transform::row_major(m11, m12, m21, m22, 0.0, 0.0)
    }

    #[test]
    fn squeezed_type_keeps_its_height_and_advances_by_its_width() {
        // A word of 10-point type squeezed to 60% of its width (`60 Tz`).
        let (height, advance) = glyph_height_and_advance(&transform(0.6, 0.0, 0.0, 1.0), 10.0);
        assert_eq!(height, 10.0);
        assert_eq!(advance, 6.0);
    }

    #[test]
    fn type_at_its_own_width_measures_as_pdf_extract_does() {
        for scale in [1.0, 0.5, -1.0] {
            let trm = transform(scale, 0.0, 0.0, scale);
            let area_side = ((10.0 * scale) * (10.0 * scale)).sqrt();
            assert_eq!(glyph_height_and_advance(&trm, 10.0), (area_side, area_side));
        }
    }

    #[test]
    fn type_tilted_as_a_scan_is_measured_across_its_baseline() {
        // 10-point type squeezed to 60%, its baseline turned by 0.6°.
        let (sin, cos) = 0.6f64.to_radians().sin_cos();
        let trm = transform(0.6 * cos, 0.6 * sin, -sin, cos);
        let (height, advance) = glyph_height_and_advance(&trm, 10.0);
        assert!((height - 10.0).abs() < 1e-9, "{height}");
        assert!((advance - 6.0).abs() < 1e-9, "{advance}");
    }

    #[test]
    fn skewed_type_keeps_pdf_extracts_measure() {
        // Skewed by a little: the side of the square of the box's area.
        let (height, _) = glyph_height_and_advance(&transform(1.0, 0.0, 0.2, 1.0), 10.0);
        assert_eq!(height, (12.0f64 * 10.0).sqrt());
    }
}
