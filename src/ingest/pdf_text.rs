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
//! never found). Upright type set at its own width measures as before;
//! rotated or skewed type keeps pdf-extract's measure.
//!
//! A page the extractor fails on (it panics on much it does not expect: an
//! operand of the wrong type, a page without a media box) is left out,
//! and the others are read: the whole document failed with it before.

use pdf_extract::{Document, MediaBox, OutputDev, OutputError, Transform};

use crate::error;

/// The text of each page of a PDF, in page order, and the pages (1-based)
/// the extractor failed on, whose text is empty.
pub(super) struct PageTexts {
    pub(super) pages: Vec<String>,
    pub(super) failed: Vec<u32>,
}

/// The text of each page of `document`. The document is read in one pass;
/// when a page fails, that page and the ones after it are read again one
/// at a time, so that one page costs only itself.
pub(super) fn extract(document: &Document) -> PageTexts {
    let mut writer = PageWriter::default();
    let whole = error::catching(|| pdf_extract::output_doc(document, &mut writer));
    let mut pages = writer.finished;
    let mut failed = Vec::new();
    if !matches!(whole, Ok(Ok(()))) {
        let numbers: Vec<u32> = document.get_pages().into_keys().collect();
        for &number in numbers.get(pages.len()..).unwrap_or_default() {
            let mut one = PageWriter::default();
            let read = error::catching(|| pdf_extract::output_doc_page(document, &mut one, number));
            match (read, one.finished.pop()) {
                (Ok(Ok(())), Some(text)) => pages.push(text),
                _ => {
                    pages.push(String::new());
                    failed.push(number);
                }
            }
        }
    }
    PageTexts { pages, failed }
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

/// The height of a glyph drawn with `trm` (text space to the page) at
/// `font_size`, and the scale of its advance along the line. Upright type:
/// the transformed font size up the page and along the line apart.
/// Rotated or skewed type: pdf-extract's single size for both (the side
/// of the square with the area of the transformed size's box).
fn glyph_height_and_advance(trm: &Transform, font_size: f64) -> (f64, f64) {
    if trm.m12 == 0.0 && trm.m21 == 0.0 {
        return (font_size * trm.m22.abs(), font_size * trm.m11.abs());
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
    fn skewed_type_keeps_pdf_extracts_measure() {
        // Skewed by a little: the side of the square of the box's area.
        let (height, _) = glyph_height_and_advance(&transform(1.0, 0.0, 0.2, 1.0), 10.0);
        assert_eq!(height, (12.0f64 * 10.0).sqrt());
    }
}
