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
//! never found). Upright type set at its own width reads as before, and so
//! does type turned further than a scan's tilt; type tilted a little, as a
//! scan's lines are, is placed and measured along its own baseline, so that
//! a tilted line's end is no lower than its start.
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
            .holding(id)
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
/// the first); a tree of one page costs one. The copy's root is new, and
/// each page keeps its parent: what it inherits (its resources, its media
/// box) it still finds up its own tree, as in the document.
struct OnePageCopy {
    /// The copy, and its page tree's root, or none when the document has
    /// no catalog to hang one from.
    copy: Option<(Document, ObjectId)>,
}

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

    /// The copy with `page` as its only page.
    fn holding(&mut self, page: ObjectId) -> Option<&Document> {
        let (copy, root) = self.copy.as_mut()?;
        copy.get_dictionary_mut(*root)
            .ok()?
            .set("Kids", vec![Object::Reference(page)]);
        Some(copy)
    }
}

/// pdf-extract's `PlainTextOutput`, writing one string per page and
/// measuring lines by the font's height (see the module documentation).
struct PageWriter {
    /// The text of each page ended so far.
    finished: Vec<String>,
    page: String,
    /// Where the last glyph ended along its line, and its baseline across
    /// it (down the page, for upright type): see [`Glyph`].
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
        let Glyph {
            x,
            y,
            height,
            advance,
        } = Glyph::placed(trm, font_size, self.page_height);
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

/// Where a glyph stands and how big it is, as the line breaks and spaces
/// between the PDF's strings are told from them.
#[derive(Debug, PartialEq)]
struct Glyph {
    /// Its origin along its line, and down the page across it.
    x: f64,
    y: f64,
    /// Its height, and the scale of its advance along the line.
    height: f64,
    advance: f64,
}

impl Glyph {
    /// A glyph drawn with `trm` (text space to the page) at `font_size` on
    /// a page `page_height` high. Upright type, or tilted as a scan's lines
    /// are: placed along its baseline and across it (so that the end of a
    /// tilted line is no lower or higher than its start), its height
    /// across the baseline and its advance along it apart. Type turned or
    /// skewed further: pdf-extract's page axes, and its single size for
    /// both (the side of the square with the area of the transformed
    /// size's box).
    fn placed(trm: &Transform, font_size: f64, page_height: f64) -> Glyph {
        let along = trm.m11.hypot(trm.m12);
        let tilted_a_little =
            trm.m12.abs() <= MAX_TILT * trm.m11.abs() && trm.m21.abs() <= MAX_TILT * trm.m22.abs();
        if tilted_a_little && along > 0.0 {
            let (cos, sin) = (trm.m11 / along, trm.m12 / along);
            // The area of the glyph's box over its length along the baseline.
            let across = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs() / along;
            return Glyph {
                x: cos * trm.m31 + sin * trm.m32,
                y: page_height - (cos * trm.m32 - sin * trm.m31),
                height: font_size * across,
                advance: font_size * along,
            };
        }
        let along = font_size * (trm.m11 + trm.m21);
        let up = font_size * (trm.m12 + trm.m22);
        let size = (along * up).sqrt();
        Glyph {
            x: trm.m31,
            y: page_height - trm.m32,
            height: size,
            advance: size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdf_extract::Stream;

    fn transform(m11: f64, m12: f64, m21: f64, m22: f64, x: f64, y: f64) -> Transform {
        Transform::row_major(m11, m12, m21, m22, x, y)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn squeezed_type_keeps_its_height_and_advances_by_its_width() {
        // A word of 10-point type squeezed to 60% of its width (`60 Tz`).
        let glyph = Glyph::placed(&transform(0.6, 0.0, 0.0, 1.0, 72.0, 700.0), 10.0, 792.0);
        assert_eq!(
            glyph,
            Glyph {
                x: 72.0,
                y: 92.0,
                height: 10.0,
                advance: 6.0
            }
        );
    }

    #[test]
    fn type_at_its_own_width_is_placed_and_measured_as_pdf_extract_does() {
        for scale in [1.0, 0.5] {
            let trm = transform(scale, 0.0, 0.0, scale, 72.0, 700.0);
            let area_side = ((10.0 * scale) * (10.0 * scale)).sqrt();
            let glyph = Glyph::placed(&trm, 10.0, 792.0);
            assert_eq!((glyph.x, glyph.y), (72.0, 92.0));
            assert_eq!((glyph.height, glyph.advance), (area_side, area_side));
        }
    }

    #[test]
    fn type_tilted_as_a_scan_is_placed_and_measured_along_its_baseline() {
        // 10-point type squeezed to 60%, its baseline turned by 2°: the
        // start and the end of one line, 400 points apart, are level
        // across it, and the next line 14 points below.
        let (sin, cos) = 2f64.to_radians().sin_cos();
        let at = |along: f64, below: f64| {
            let (x, y) = (
                72.0 + along * cos + below * sin,
                700.0 + along * sin - below * cos,
            );
            Glyph::placed(
                &transform(0.6 * cos, 0.6 * sin, -sin, cos, x, y),
                10.0,
                792.0,
            )
        };
        let (start, end, next) = (at(0.0, 0.0), at(400.0, 0.0), at(0.0, 14.0));
        assert!(
            close(start.height, 10.0) && close(start.advance, 6.0),
            "{start:?}"
        );
        assert!(
            close(end.y, start.y) && close(end.x - start.x, 400.0),
            "{end:?}"
        );
        assert!(
            close(next.y - start.y, 14.0) && close(next.x, start.x),
            "{next:?}"
        );
    }

    /// Two pages under a page tree `depth` nodes deep, the media box and
    /// the font on its root only; the first page stops the extractor.
    fn deep_document(depth: usize) -> Document {
        let mut document = Document::with_version("1.4");
        let mut font = Dictionary::new();
        font.set("Type", Object::Name(b"Font".to_vec()));
        font.set("Subtype", Object::Name(b"Type1".to_vec()));
        font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        let font = document.add_object(font);
        let nodes: Vec<ObjectId> = (0..depth).map(|_| document.new_object_id()).collect();
        let mut pages = Vec::new();
        for text in ["(Lost.) Tj ET 1 cs", "(Found deep down.) Tj ET"] {
            let content = format!("BT /F1 12 Tf 1 0 0 1 72 700 Tm {text}").into_bytes();
            let content = document.add_object(Stream::new(Dictionary::new(), content));
            let mut page = Dictionary::new();
            page.set("Type", Object::Name(b"Page".to_vec()));
            page.set("Parent", Object::Reference(nodes[depth - 1]));
            page.set("Contents", Object::Reference(content));
            pages.push(Object::Reference(document.add_object(page)));
        }
        for (level, &id) in nodes.iter().enumerate() {
            let mut node = Dictionary::new();
            node.set("Type", Object::Name(b"Pages".to_vec()));
            node.set("Count", 2);
            match nodes.get(level + 1) {
                Some(&child) => node.set("Kids", vec![Object::Reference(child)]),
                None => node.set("Kids", pages.clone()),
            }
            if level == 0 {
                let mut fonts = Dictionary::new();
                fonts.set("F1", Object::Reference(font));
                let mut resources = Dictionary::new();
                resources.set("Font", Object::Dictionary(fonts));
                node.set("Resources", Object::Dictionary(resources));
                node.set("MediaBox", vec![0.into(), 0.into(), 612.into(), 792.into()]);
            } else {
                node.set("Parent", Object::Reference(nodes[level - 1]));
            }
            document.objects.insert(id, Object::Dictionary(node));
        }
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(nodes[0]));
        let catalog = document.add_object(catalog);
        document.trailer.set("Root", Object::Reference(catalog));
        document
    }

    #[test]
    fn a_page_after_a_failed_one_inherits_from_its_own_tree() {
        for depth in [1, 3, 100] {
            let PageTexts { pages, failed } = extract(&deep_document(depth));
            assert_eq!(failed, [1], "{depth}");
            assert_eq!(pages.len(), 2, "{depth}");
            assert_eq!(pages[1].trim(), "Found deep down.", "{depth}");
        }
    }

    #[test]
    fn skewed_type_keeps_pdf_extracts_measure() {
        // Skewed by a little: the side of the square of the box's area.
        let glyph = Glyph::placed(&transform(1.0, 0.0, 0.2, 1.0, 0.0, 0.0), 10.0, 792.0);
        assert_eq!(glyph.height, (12.0f64 * 10.0).sqrt());
    }
}
