//! The index schema: one tantivy document per passage, its fields named in
//! one place, and both directions of the mapping: a [`Passage`] of a
//! [`Document`] written as a tantivy document, and a stored document or its
//! fast-field columns read back.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tantivy::columnar::{Column, ColumnIndex, StrColumn};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{DocId, IndexSettings, SegmentReader, TantivyDocument};

use crate::analysis;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::ingest::{self, DateOrigin, Document, ParagraphKind};
use crate::language::Language;
use crate::passage::Passage;
use crate::results::{Extraction, IndexedPassage};

/// Version of the schema and analysis that cita writes. An index recording
/// another version is rebuilt or refused, never misread.
pub const SCHEMA_VERSION: u32 = 17;

/// Field names, as tantivy records them in the index: the fast-field
/// columns are opened by these names.
pub mod names {
    pub const ID: &str = "id";
    pub const SOURCE: &str = "source";
    pub const TITLE: &str = "title";
    pub const PUBLICATION: &str = "publication";
    pub const URL: &str = "url";
    pub const DATE: &str = "date";
    pub const SECTION: &str = "section";
    pub const PARAGRAPH: &str = "paragraph";
    pub const PART: &str = "part";
    pub const BYTE_START: &str = "byte_start";
    pub const BYTE_END: &str = "byte_end";
    pub const PAGE: &str = "page";
    pub const RECORD: &str = "record";
    pub const ENTRY: &str = "entry";
    pub const AUTHOR: &str = "author";
    pub const OCR_CONFIDENCE: &str = "ocr_confidence";
    pub const DATE_ORIGIN: &str = "date_origin";
    pub const TEXT: &str = "text";
    pub const MENTIONS: &str = "mentions";
    pub const LANGUAGE: &str = "language";
    pub const ACCENTED_STEMS: &str = "accented_stems";
    pub const TITLE_ACCENTED_STEMS: &str = "title_accented_stems";
    pub const SECTION_ACCENTED_STEMS: &str = "section_accented_stems";
    pub const COPY_KEY: &str = "copy_key";
    pub const KIND: &str = "kind";
}

/// Handles to every field of a passage document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Stable passage id (a 64-bit hash, shown in hex), a fast field only:
    /// looking a passage up by id scans the column, which costs less than a
    /// term dictionary of random keys would in size.
    pub id: Field,
    /// Document path relative to the corpus root, exact-match indexed, fast for grouping.
    pub source: Field,
    /// Document title, folded.
    pub title: Field,
    /// Publication the document came from, folded.
    pub publication: Field,
    /// Document URL, stored only.
    pub url: Field,
    /// Publication date, as days since 1970-01-01 (see [`crate::Date::days`]).
    pub date: Field,
    /// Nearest heading above the passage, folded.
    pub section: Field,
    /// 1-based paragraph ordinal within the document.
    pub paragraph: Field,
    /// 1-based part of a paragraph split for length.
    pub part: Field,
    /// Byte range of the passage in its source file (absent when the format has none).
    pub byte_start: Field,
    /// End of the byte range (exclusive).
    pub byte_end: Field,
    /// 1-based page of a paged format (PDF).
    pub page: Field,
    /// Record number within a JSON feed or a mailbox, fast for telling its documents apart.
    pub record: Field,
    /// The path inside a container or an attachment's name: exact-match
    /// indexed, fast for telling a container's documents apart.
    pub entry: Field,
    /// The document's author (a mail's sender), folded, for `author:`;
    /// fast (the whole name) for the author facet and filter.
    pub author: Field,
    /// For text read by OCR, Tesseract's mean word confidence (0–100),
    /// stored only; absent for text read directly.
    pub ocr_confidence: Field,
    /// Where the date came from: `metadata` or `text`.
    pub date_origin: Field,
    /// Passage text, folded, with positions, stored. Inflections are found
    /// at search time (see `query::inflection`).
    pub text: Field,
    /// Years the passage text mentions (multi-valued), for `--mentions` and timelines.
    pub mentions: Field,
    /// The passage's language ([`Language::id`]): indexed for `lang:`, fast
    /// for expanding a word only in passages of the language it was stemmed in.
    pub language: Field,
    /// The stems of the text's accented words that their folded forms do
    /// not give (`analysis::accented_stems`), one term each, with
    /// frequencies, no positions: how `negociar` finds "negociações".
    pub accented_stems: Field,
    /// The same for the title's words, in the passage's language.
    pub title_accented_stems: Field,
    /// The same for the section heading's words.
    pub section_accented_stems: Field,
    /// The passage's copy key (`analysis::copy_key`: a hash of its folded
    /// words), a fast field only: search collapses copies by it.
    pub copy_key: Field,
    /// What the passage reads as ([`Passage::kind`], recorded by
    /// [`kind_id`]: prose, code, a list, a table), a fast field only: the
    /// substance prior reads it.
    pub kind: Field,
}

/// A stored text field, folded, with positions for phrases.
fn folded() -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::FOLDED)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

/// A field of accented stems: one raw term each, with frequencies, no
/// positions, not stored.
fn stems() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// How the index stores passages: zstd (level 1) blocks, which hold the
/// bench corpus's stored fields in 44 MB where tantivy's default lz4 takes
/// 64 MB; level 3 saves another 1 MB for about 7% more build time. Reading a
/// 16 KB block back takes tens of microseconds.
pub fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(1),
        }),
        ..IndexSettings::default()
    }
}

/// Builds cita's schema and returns it with its field handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let fields = Fields {
        id: builder.add_u64_field(names::ID, FAST),
        source: builder.add_text_field(names::SOURCE, STRING | STORED | FAST),
        title: builder.add_text_field(names::TITLE, folded()),
        // Fast (the whole name, unfolded) for the publication facet.
        publication: builder.add_text_field(names::PUBLICATION, folded().set_fast("raw")),
        url: builder.add_text_field(names::URL, STORED),
        date: builder.add_i64_field(names::DATE, INDEXED | STORED | FAST),
        section: builder.add_text_field(names::SECTION, folded()),
        paragraph: builder.add_u64_field(names::PARAGRAPH, STORED | FAST),
        part: builder.add_u64_field(names::PART, STORED | FAST),
        byte_start: builder.add_u64_field(names::BYTE_START, STORED),
        byte_end: builder.add_u64_field(names::BYTE_END, STORED),
        page: builder.add_u64_field(names::PAGE, STORED),
        record: builder.add_u64_field(names::RECORD, STORED | FAST),
        entry: builder.add_text_field(names::ENTRY, STRING | STORED | FAST),
        // Fast (the whole name, unfolded) for the author facet.
        author: builder.add_text_field(names::AUTHOR, folded().set_fast("raw")),
        ocr_confidence: builder.add_u64_field(names::OCR_CONFIDENCE, STORED),
        date_origin: builder.add_text_field(names::DATE_ORIGIN, STORED),
        text: builder.add_text_field(names::TEXT, folded()),
        mentions: builder.add_u64_field(names::MENTIONS, INDEXED | STORED | FAST),
        language: builder.add_u64_field(names::LANGUAGE, INDEXED | STORED | FAST),
        accented_stems: builder.add_text_field(names::ACCENTED_STEMS, stems()),
        title_accented_stems: builder.add_text_field(names::TITLE_ACCENTED_STEMS, stems()),
        section_accented_stems: builder.add_text_field(names::SECTION_ACCENTED_STEMS, stems()),
        copy_key: builder.add_u64_field(names::COPY_KEY, FAST),
        kind: builder.add_u64_field(names::KIND, FAST),
    };
    (builder.build(), fields)
}

/// Field handles of an existing index, or `None` if a field is missing.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let get = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        id: get(names::ID)?,
        source: get(names::SOURCE)?,
        title: get(names::TITLE)?,
        publication: get(names::PUBLICATION)?,
        url: get(names::URL)?,
        date: get(names::DATE)?,
        section: get(names::SECTION)?,
        paragraph: get(names::PARAGRAPH)?,
        part: get(names::PART)?,
        byte_start: get(names::BYTE_START)?,
        byte_end: get(names::BYTE_END)?,
        page: get(names::PAGE)?,
        record: get(names::RECORD)?,
        entry: get(names::ENTRY)?,
        author: get(names::AUTHOR)?,
        ocr_confidence: get(names::OCR_CONFIDENCE)?,
        date_origin: get(names::DATE_ORIGIN)?,
        text: get(names::TEXT)?,
        mentions: get(names::MENTIONS)?,
        language: get(names::LANGUAGE)?,
        accented_stems: get(names::ACCENTED_STEMS)?,
        title_accented_stems: get(names::TITLE_ACCENTED_STEMS)?,
        section_accented_stems: get(names::SECTION_ACCENTED_STEMS)?,
        copy_key: get(names::COPY_KEY)?,
        kind: get(names::KIND)?,
    })
}

/// The stems of a passage's accented words that their folded forms do not
/// give (`analysis::accented_stems`), in each field a word matches in any
/// inflection: its text, its document's title and its section heading.
#[derive(Debug, Default)]
pub struct AccentedStems {
    /// The text's.
    pub text: Vec<String>,
    /// The title's.
    pub title: Vec<String>,
    /// The section heading's.
    pub section: Vec<String>,
}

impl Fields {
    /// The field of `field`'s accented stems, for the fields that have them.
    pub fn accented_stems_of(&self, field: Field) -> Option<Field> {
        [
            (self.text, self.accented_stems),
            (self.title, self.title_accented_stems),
            (self.section, self.section_accented_stems),
        ]
        .into_iter()
        .find_map(|(searched, stems)| (searched == field).then_some(stems))
    }
}

/// The tantivy document of one passage of `document`, whose id is `id`,
/// in `language`, its accented words' own stems being `accented` (see
/// `analysis::accented_stems`) and its copy key `copy_key` (see
/// `analysis::copy_key`).
#[allow(clippy::too_many_arguments)]
pub fn passage_document(
    fields: &Fields,
    document: &Document,
    id: u64,
    title: &str,
    passage: &Passage,
    language: Language,
    accented: &AccentedStems,
    copy_key: u64,
) -> TantivyDocument {
    // tantivy's default reserves 1 KB per document: a feed of tiny records
    // held 1.2 KB per passage until the file's documents were added.
    let mut doc = TantivyDocument::with_capacity(
        passage.text.len() + title.len() + document.source.len() + 128,
    );
    doc.add_u64(fields.id, id);
    doc.add_u64(fields.copy_key, copy_key);
    doc.add_u64(fields.kind, kind_id(passage.kind));
    doc.add_text(fields.source, &document.source);
    doc.add_text(fields.title, title);
    if let Some(publication) = &document.meta.publication {
        doc.add_text(fields.publication, publication);
    }
    if let Some(url) = &document.meta.url {
        doc.add_text(fields.url, url);
    }
    if let Some(date) = document.meta.date {
        doc.add_i64(fields.date, date.days());
    }
    if let Some(origin) = document.date_origin {
        doc.add_text(fields.date_origin, date_origin_name(origin));
    }
    if let Some(page) = passage.page {
        doc.add_u64(fields.page, u64::from(page));
    }
    if let Some(record) = document.record {
        doc.add_u64(fields.record, record);
    }
    if let Some(entry) = &document.entry {
        doc.add_text(fields.entry, entry);
    }
    if let Some(author) = &document.meta.author {
        doc.add_text(fields.author, author);
    }
    if let Some(confidence) = passage.ocr_confidence {
        doc.add_u64(fields.ocr_confidence, u64::from(confidence));
    }
    if let Some(section) = &passage.section {
        doc.add_text(fields.section, section);
    }
    doc.add_u64(fields.paragraph, u64::from(passage.paragraph));
    doc.add_u64(fields.part, u64::from(passage.part));
    if let Some(range) = &passage.byte_range {
        doc.add_u64(fields.byte_start, range.start as u64);
        doc.add_u64(fields.byte_end, range.end as u64);
    }
    doc.add_text(fields.text, &passage.text);
    doc.add_u64(fields.language, language.id());
    for (field, stems) in [
        (fields.accented_stems, &accented.text),
        (fields.title_accented_stems, &accented.title),
        (fields.section_accented_stems, &accented.section),
    ] {
        for stem in stems {
            doc.add_text(field, stem);
        }
    }
    for year in ingest::dates::mentioned_years(&passage.text) {
        doc.add_u64(fields.mentions, u64::from(year));
    }
    doc
}

/// How the `kind` field records a paragraph's kind: its place in [`KINDS`].
pub fn kind_id(kind: ParagraphKind) -> u64 {
    match kind {
        ParagraphKind::Prose => 0,
        ParagraphKind::Code => 1,
        ParagraphKind::List => 2,
        ParagraphKind::Table => 3,
    }
}

/// Every paragraph kind, in the order of their ids in the `kind` field.
pub const KINDS: [ParagraphKind; 4] = [
    ParagraphKind::Prose,
    ParagraphKind::Code,
    ParagraphKind::List,
    ParagraphKind::Table,
];

/// The document in `bytes`, one document as tantivy's store keeps it, or
/// `None` if it holds anything but what cita stores (text, u64 and i64
/// values) or a length that runs past it.
///
/// tantivy's own reader sizes a string by the length it reads before the
/// string, so a flipped byte in a store block asked for petabytes, and a
/// failed allocation aborts the process where no panic can be caught. The
/// store is the bulk of an index, too large to check against its checksum
/// on every open, so each document read is walked here instead: a count of
/// values, then per value a field number (u32), a type code and the value,
/// little-endian.
pub fn read_stored(bytes: &[u8]) -> Option<TantivyDocument> {
    const TEXT: u8 = 0;
    const U64: u8 = 1;
    const I64: u8 = 2;
    let mut rest = bytes;
    let values = take_vint(&mut rest)?;
    let mut document = TantivyDocument::new();
    for _ in 0..values {
        let (field, after) = rest.split_first_chunk::<4>()?;
        // tantivy numbers fields with 16 bits, and panics past them.
        let field = u16::try_from(u32::from_le_bytes(*field)).ok()?;
        let field = Field::from_field_id(u32::from(field));
        let (&code, after) = after.split_first()?;
        rest = after;
        match code {
            TEXT => {
                let len = usize::try_from(take_vint(&mut rest)?).ok()?;
                let text = rest.get(..len)?;
                document.add_text(field, std::str::from_utf8(text).ok()?);
                rest = &rest[len..];
            }
            U64 | I64 => {
                let (value, after) = rest.split_first_chunk::<8>()?;
                match code {
                    U64 => document.add_u64(field, u64::from_le_bytes(*value)),
                    _ => document.add_i64(field, i64::from_le_bytes(*value)),
                }
                rest = after;
            }
            _ => return None,
        }
    }
    rest.is_empty().then_some(document)
}

/// Reads one of tantivy's variable-length integers (seven bits a byte, the
/// last byte's high bit set) from the front of `bytes`.
fn take_vint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (at, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7F).checked_shl(7 * at as u32)?;
        if byte & 0x80 != 0 {
            *bytes = &bytes[at + 1..];
            return Some(value);
        }
    }
    None
}

/// A passage's id: a hash of its document (source path, and record number
/// in a feed or mailbox, and entry in a container) and its text, so it is
/// the same in every rebuild for as long as neither changes. xxh3 is a
/// fixed, published function, unlike std's hasher. Shown as 16 hex digits
/// (see [`IndexedPassage::id`]).
pub fn passage_id(document: DocumentKey<'_>, text: &str) -> u64 {
    let (source, record, entry) = document;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(source.as_bytes());
    if let Some(record) = record {
        hasher.update(format!("#{record}").as_bytes());
    }
    // A `›` cannot start a source path's continuation the way `#` could
    // not: entries hash apart from any record and any longer path.
    if let Some(entry) = entry {
        hasher.update(format!("\0›{entry}").as_bytes());
    }
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.digest()
}

/// How a [`DateOrigin`] is stored.
fn date_origin_name(origin: DateOrigin) -> &'static str {
    match origin {
        DateOrigin::Metadata => "metadata",
        DateOrigin::Text => "text",
    }
}

/// The passage stored as `doc`, whose id (a fast field only) is `id`.
pub fn read_passage(fields: &Fields, doc: &TantivyDocument, id: u64) -> IndexedPassage {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let optional = |field| doc.get_first(field).and_then(|v| v.as_u64());
    let number = |field| optional(field).unwrap_or(0);
    IndexedPassage {
        id: format!("{id:016x}"),
        source: text(fields.source).unwrap_or_default(),
        title: text(fields.title).unwrap_or_default(),
        publication: text(fields.publication),
        url: text(fields.url),
        date: doc
            .get_first(fields.date)
            .and_then(|v| v.as_i64())
            .and_then(Date::from_days),
        date_origin: text(fields.date_origin).and_then(|name| {
            [DateOrigin::Metadata, DateOrigin::Text]
                .into_iter()
                .find(|&origin| date_origin_name(origin) == name)
        }),
        section: text(fields.section),
        language: optional(fields.language)
            .and_then(Language::from_id)
            .unwrap_or(Language::ENGLISH),
        paragraph: number(fields.paragraph) as u32,
        part: number(fields.part) as u32,
        byte_range: optional(fields.byte_start)
            .zip(optional(fields.byte_end))
            .map(|(start, end)| [start as usize, end as usize]),
        page: optional(fields.page).map(|page| page as u32),
        record: optional(fields.record),
        entry: text(fields.entry),
        author: text(fields.author),
        extraction: optional(fields.ocr_confidence).map(|_| Extraction::Ocr),
        ocr_confidence: optional(fields.ocr_confidence).and_then(|c| u8::try_from(c).ok()),
        text: text(fields.text).unwrap_or_default(),
        mentions: doc
            .get_all(fields.mentions)
            .filter_map(|v| v.as_u64())
            .filter_map(|year| u16::try_from(year).ok())
            .collect(),
    }
}

/// The languages of the passages `segment` holds, read from the language
/// field's dictionary (a language whose passages were all deleted may
/// linger until the segment merges).
pub fn segment_languages(segment: &SegmentReader, field: Field) -> tantivy::Result<Vec<Language>> {
    let mut languages = Vec::new();
    let index = segment.inverted_index(field)?;
    let mut terms = index.terms().stream()?;
    while terms.advance() {
        let id = terms.key().try_into().ok().map(u64::from_be_bytes);
        languages.extend(id.and_then(Language::from_id));
    }
    Ok(languages)
}

/// A document: its source path, its record (in a JSON feed or a mailbox)
/// and its entry (inside a container). Grouping, context, counts and ids
/// all tell documents apart by it.
pub type DocumentKey<'a> = (&'a str, Option<u64>, Option<&'a str>);

/// A passage's position in its document and its tie order within a
/// segment, read from fast fields: (source ordinal + 1, record, entry
/// ordinal + 1, paragraph, part). A passage without a source or an entry
/// has 0 there, sorting first as "" does.
pub type PositionKey = (u64, Option<u64>, u64, u64, u64);

/// What sorting, grouping and counting read of a passage, from fast fields
/// (no stored document is loaded).
#[derive(Debug, Clone)]
pub struct PassageKeys {
    /// The document path.
    pub source: String,
    /// The record within a JSON feed or a mailbox.
    pub record: Option<u64>,
    /// The entry inside a container.
    pub entry: Option<String>,
    /// Publication date in days since 1970.
    pub date: Option<i64>,
    /// 1-based paragraph ordinal.
    pub paragraph: u64,
    /// 1-based part of the paragraph.
    pub part: u64,
    /// The years the passage mentions.
    pub mentions: Vec<u16>,
    /// The passage's language.
    pub language: Option<Language>,
    /// The document's publication, as written.
    pub publication: Option<String>,
    /// The passage's copy key (see `analysis::copy_key`).
    pub copy_key: u64,
}

impl PassageKeys {
    /// The document the passage belongs to.
    pub fn document(&self) -> DocumentKey<'_> {
        (&self.source, self.record, self.entry.as_deref())
    }
}

/// The fast-field columns of one segment.
pub struct SegmentColumns {
    id: Option<Column<u64>>,
    copy_key: Option<Column<u64>>,
    source: Option<StrColumn>,
    record: Option<Column<u64>>,
    entry: Option<StrColumn>,
    date: Option<Column<i64>>,
    paragraph: Option<Column<u64>>,
    part: Option<Column<u64>>,
    mentions: Option<Column<u64>>,
    language: Option<Column<u64>>,
    publication: Option<StrColumn>,
    author: Option<StrColumn>,
    /// Each string column's values by ordinal, read on first use (see
    /// [`Values`]): sources, entries, publications, authors.
    values: [Values; 4],
}

/// Every value of a string column's dictionary, in ordinal order, read at
/// once: reading one value by ordinal decodes a dictionary block each time
/// (about 2 µs), which dominated facets and timelines that read the source
/// of every match. Read on first use, so a search that reads no keys pays
/// nothing.
#[derive(Default)]
struct Values(OnceLock<Vec<String>>);

impl Values {
    /// The value of ordinal `rank - 1` of `column` (`rank` 0: none).
    fn get(&self, column: &Option<StrColumn>, rank: u64) -> Result<Option<&str>> {
        let Some(ord) = rank.checked_sub(1) else {
            return Ok(None);
        };
        Ok(self.all(column)?.get(ord as usize).map(String::as_str))
    }

    /// Every value of `column`, in ordinal order.
    fn all(&self, column: &Option<StrColumn>) -> Result<&[String]> {
        let Some(column) = column else {
            return Ok(&[]);
        };
        if let Some(values) = self.0.get() {
            return Ok(values);
        }
        let mut all = Vec::with_capacity(column.num_terms());
        let mut terms = column
            .dictionary()
            .stream()
            .map_err(|err| Error::Engine(err.into()))?;
        while terms.advance() {
            all.push(String::from_utf8_lossy(terms.key()).into_owned());
        }
        Ok(self.0.get_or_init(|| all))
    }
}

impl SegmentColumns {
    /// Opens the columns of `segment` (costlier than a rare word's whole
    /// search: open them once per searcher generation).
    pub fn open(segment: &SegmentReader) -> Result<SegmentColumns> {
        let fast = segment.fast_fields();
        // Each text column holds one value per passage, so no more distinct
        // values than the segment has passages. The count sizes the tallies
        // and value lists below: a damaged one asked for petabytes, or for a
        // loop over them, where no panic can be caught.
        let text_column = |name: &str| -> Result<Option<StrColumn>> {
            let column = fast.str(name)?;
            let values = column.as_ref().map_or(0, |column| column.num_terms());
            if values > segment.max_doc() as usize {
                return Err(Error::Engine(tantivy::TantivyError::DataCorruption(
                    tantivy::error::DataCorruption::comment_only(format!(
                        "{}.fast counts {values} values of {name} in {} passages",
                        segment.segment_id().uuid_string(),
                        segment.max_doc()
                    )),
                )));
            }
            Ok(column)
        };
        Ok(SegmentColumns {
            id: fast.column_opt(names::ID)?,
            copy_key: fast.column_opt(names::COPY_KEY)?,
            source: text_column(names::SOURCE)?,
            record: fast.column_opt(names::RECORD)?,
            entry: text_column(names::ENTRY)?,
            date: fast.column_opt(names::DATE)?,
            paragraph: fast.column_opt(names::PARAGRAPH)?,
            part: fast.column_opt(names::PART)?,
            mentions: fast.column_opt(names::MENTIONS)?,
            language: fast.column_opt(names::LANGUAGE)?,
            publication: text_column(names::PUBLICATION)?,
            author: text_column(names::AUTHOR)?,
            values: Default::default(),
        })
    }

    /// The passage id of `doc`.
    pub fn id(&self, doc: DocId) -> u64 {
        self.id
            .as_ref()
            .and_then(|column| column.first(doc))
            .unwrap_or_default()
    }

    /// The copy key of `doc`: passages with the same folded words share it.
    pub fn copy_key(&self, doc: DocId) -> u64 {
        self.copy_key
            .as_ref()
            .and_then(|column| column.first(doc))
            .unwrap_or_default()
    }

    /// Appends the copy keys of `docs` to `keys`, a block at a time.
    pub fn copy_keys(&self, docs: &[DocId], keys: &mut Vec<u64>) {
        match &self.copy_key {
            // Every passage has a key: its row is its document.
            Some(column) if matches!(column.index, ColumnIndex::Full) => {
                keys.extend(docs.iter().map(|&doc| column.values.get_val(doc)));
            }
            column => keys.extend(docs.iter().map(|&doc| {
                column
                    .as_ref()
                    .and_then(|column| column.first(doc))
                    .unwrap_or_default()
            })),
        }
    }

    /// Where `doc` stands, as [`SegmentColumns::position`] but with its
    /// source and entry as text (read one by one, not the whole
    /// dictionary): what orders passages of different segments.
    pub fn place(&self, doc: DocId) -> Result<(String, Option<u64>, String, u64, u64)> {
        let (_, record, _, paragraph, part) = self.position(doc);
        let text = |column: &Option<StrColumn>| -> Result<String> {
            let mut text = String::new();
            if let Some(column) = column
                && let Some(ord) = column.term_ords(doc).next()
            {
                column
                    .ord_to_str(ord, &mut text)
                    .map_err(|err| Error::Engine(err.into()))?;
            }
            Ok(text)
        };
        Ok((
            text(&self.source)?,
            record,
            text(&self.entry)?,
            paragraph,
            part,
        ))
    }

    /// Every source path of the segment, in ordinal order (the order of
    /// their bytes), as [`SegmentColumns::position`] numbers them from 1.
    pub fn sources(&self) -> Result<&[String]> {
        self.values[0].all(&self.source)
    }

    /// Every entry of the segment, likewise.
    pub fn entries(&self) -> Result<&[String]> {
        self.values[1].all(&self.entry)
    }

    /// Where `doc` stands: its source's ordinal in the segment's sorted
    /// dictionary (no path read), record, entry's ordinal, paragraph and part.
    pub fn position(&self, doc: DocId) -> PositionKey {
        let first = |column: &Option<Column<u64>>| column.as_ref().and_then(|c| c.first(doc));
        let rank = |column: &Option<StrColumn>| {
            column
                .as_ref()
                .and_then(|column| column.term_ords(doc).next())
                .map_or(0, |ord| ord + 1)
        };
        (
            rank(&self.source),
            first(&self.record),
            rank(&self.entry),
            first(&self.paragraph).unwrap_or(0),
            first(&self.part).unwrap_or(0),
        )
    }

    /// Every key of `doc`, its source path included.
    pub fn keys(&self, doc: DocId) -> Result<PassageKeys> {
        let (source_rank, record, entry_rank, paragraph, part) = self.position(doc);
        let [sources, entries, publications, _] = &self.values;
        let publication_rank = self
            .publication
            .as_ref()
            .and_then(|column| column.term_ords(doc).next())
            .map_or(0, |ord| ord + 1);
        Ok(PassageKeys {
            source: sources
                .get(&self.source, source_rank)?
                .unwrap_or_default()
                .to_string(),
            record,
            entry: entries.get(&self.entry, entry_rank)?.map(str::to_string),
            paragraph,
            part,
            date: self.date(doc),
            mentions: self.mentions(doc),
            language: self
                .language
                .as_ref()
                .and_then(|c| c.first(doc))
                .and_then(Language::from_id),
            publication: publications
                .get(&self.publication, publication_rank)?
                .map(str::to_string),
            copy_key: self.copy_key(doc),
        })
    }

    /// The publication day of `doc` (days since 1970).
    pub fn date(&self, doc: DocId) -> Option<i64> {
        self.date.as_ref().and_then(|c| c.first(doc))
    }

    /// The years `doc` mentions.
    pub fn mentions(&self, doc: DocId) -> Vec<u16> {
        self.mentions
            .as_ref()
            .map(|c| {
                c.values_for_doc(doc)
                    .filter_map(|y| u16::try_from(y).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What facets count of `docs`, matches in this segment: counted by
    /// ordinal, each value read once, however many matches hold it (a
    /// stop word matches a third of the archive).
    pub fn tally(&self, docs: impl IntoIterator<Item = DocId>) -> Result<FacetTally<'_>> {
        let ordinals =
            |column: &Option<StrColumn>| column.as_ref().map_or(0, |column| column.num_terms() + 1);
        let mut sources = vec![0u64; ordinals(&self.source)];
        let mut publications = vec![0u64; ordinals(&self.publication)];
        let mut authors = vec![0u64; ordinals(&self.author)];
        let mut languages: BTreeMap<u64, u64> = BTreeMap::new();
        let mut tally = FacetTally::default();
        for doc in docs {
            let rank = |column: &Option<StrColumn>| {
                column
                    .as_ref()
                    .and_then(|column| column.term_ords(doc).next())
                    .map_or(0, |ord| ord as usize + 1)
            };
            sources[rank(&self.source)] += 1;
            publications[rank(&self.publication)] += 1;
            authors[rank(&self.author)] += 1;
            if let Some(id) = self.language.as_ref().and_then(|c| c.first(doc)) {
                *languages.entry(id).or_default() += 1;
            }
            match self
                .date
                .as_ref()
                .and_then(|c| c.first(doc))
                .and_then(Date::from_days)
            {
                Some(date) => *tally.years.entry(date.year()).or_default() += 1,
                None => tally.undated += 1,
            }
        }
        let [source_values, _, publication_values, author_values] = &self.values;
        fn named<'v>(
            values: &'v Values,
            column: &Option<StrColumn>,
            counts: Vec<u64>,
        ) -> Result<Vec<(Option<&'v str>, u64)>> {
            counts
                .into_iter()
                .enumerate()
                .filter(|&(_, count)| count > 0)
                .map(|(rank, count)| Ok((values.get(column, rank as u64)?, count)))
                .collect()
        }
        tally.sources = named(source_values, &self.source, sources)?
            .into_iter()
            .map(|(value, count)| (value.unwrap_or_default(), count))
            .collect();
        // Passages without a publication or an author are not counted.
        let named_only = |(value, count): (Option<_>, u64)| Some((value?, count));
        tally.publications = named(publication_values, &self.publication, publications)?
            .into_iter()
            .filter_map(named_only)
            .collect();
        tally.authors = named(author_values, &self.author, authors)?
            .into_iter()
            .filter_map(named_only)
            .collect();
        tally.languages = languages
            .into_iter()
            .filter_map(|(id, count)| Some((Language::from_id(id)?, count)))
            .collect();
        Ok(tally)
    }

    /// What a timeline reads of `doc` (the day, the source, the mentioned
    /// years): its source only
    /// `by_source`, the years it mentions only when `mentioned`; nothing
    /// is copied but those years.
    pub fn timeline_keys(
        &self,
        doc: DocId,
        by_source: bool,
        mentioned: bool,
    ) -> Result<(Option<i64>, Option<&str>, Vec<u16>)> {
        let source = match by_source {
            true => {
                let rank = self
                    .source
                    .as_ref()
                    .and_then(|column| column.term_ords(doc).next())
                    .map_or(0, |ord| ord + 1);
                self.values[0].get(&self.source, rank)?
            }
            false => None,
        };
        let mentions = match mentioned {
            true => self.mentions(doc),
            false => Vec::new(),
        };
        Ok((
            self.date.as_ref().and_then(|c| c.first(doc)),
            source,
            mentions,
        ))
    }
}

/// What facets count of a segment's matches ([`SegmentColumns::tally`]).
#[derive(Debug, Default)]
pub struct FacetTally<'a> {
    /// Matches per source path.
    pub sources: Vec<(&'a str, u64)>,
    /// Matches per publication, of those with one.
    pub publications: Vec<(&'a str, u64)>,
    /// Matches per author, of those with one.
    pub authors: Vec<(&'a str, u64)>,
    /// Matches per language.
    pub languages: Vec<(Language, u64)>,
    /// Matches per publication year.
    pub years: BTreeMap<i32, u64>,
    /// Matches without a date.
    pub undated: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::Document as _;

    /// One document as tantivy's store keeps it, with every stored field
    /// of cita's schema (a long accented text, a negative date), and the
    /// document tantivy reads from it.
    fn stored() -> (Vec<u8>, TantivyDocument) {
        let (schema, fields) = build();
        let index = tantivy::Index::create_in_ram(schema);
        analysis::register(&index);
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut doc = TantivyDocument::new();
        for field in [
            fields.source,
            fields.title,
            fields.publication,
            fields.url,
            fields.section,
            fields.entry,
            fields.author,
            fields.date_origin,
        ] {
            doc.add_text(field, "Bogotá, «Plan LAZO»");
        }
        doc.add_text(fields.text, TEXT.repeat(40));
        doc.add_i64(fields.date, -4_000);
        for field in [
            fields.paragraph,
            fields.part,
            fields.byte_start,
            fields.byte_end,
            fields.page,
            fields.record,
            fields.ocr_confidence,
            fields.mentions,
            fields.language,
        ] {
            doc.add_u64(field, u64::MAX - 7);
        }
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let store = searcher.segment_reader(0).get_store_reader(1).unwrap();
        let bytes = store.get_document_bytes(0).unwrap().as_slice().to_vec();
        (bytes, store.get(0).unwrap())
    }

    const TEXT: &str = "revocación ";

    #[test]
    fn each_kind_is_recorded_as_its_place_in_kinds() {
        for (place, &kind) in KINDS.iter().enumerate() {
            assert_eq!(kind_id(kind), place as u64, "{kind:?}");
        }
    }

    #[test]
    fn a_stored_document_reads_as_tantivy_reads_it() {
        let (bytes, by_tantivy) = stored();
        let schema = build().0;
        assert_eq!(
            read_stored(&bytes).map(|doc| doc.to_json(&schema)),
            Some(by_tantivy.to_json(&schema))
        );
    }

    #[test]
    fn a_fuzzed_field_number_past_16_bits_is_refused() {
        let input = include_bytes!("../fuzz/regressions/stored/field-past-16-bits.bin");
        assert!(read_stored(input).is_none());
    }

    #[test]
    fn a_stored_document_cut_or_stretched_anywhere_is_refused() {
        let (bytes, _) = stored();
        for len in 0..bytes.len() {
            assert!(read_stored(&bytes[..len]).is_none(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(
            read_stored(&longer).is_none(),
            "a byte after the last value"
        );
        // The text's length (two bytes, the second ending it) made huge:
        // what a flipped byte in a store block asked tantivy to allocate.
        let text = TEXT.repeat(40);
        let at = bytes
            .windows(text.len())
            .position(|window| window == text.as_bytes())
            .unwrap();
        let mut stretched = bytes.clone();
        stretched.splice(at - 2..at, [0x7F, 0x7F, 0x7F, 0x7F, 0xFF]);
        assert!(read_stored(&stretched).is_none());
        let mut unknown_type = bytes.clone();
        unknown_type[at - 3] = 4;
        assert!(
            read_stored(&unknown_type).is_none(),
            "a type cita never stores"
        );
        let mut no_such_field = bytes.clone();
        no_such_field[at - 5] = 1;
        assert!(
            read_stored(&no_such_field).is_none(),
            "a field number past 16 bits"
        );
        let mut not_utf8 = bytes.clone();
        not_utf8[at] = 0xFF;
        assert!(read_stored(&not_utf8).is_none(), "text that is not UTF-8");
    }

    #[test]
    fn passage_ids_depend_on_source_and_text_only() {
        let id = passage_id(("news/a.txt", None, None), "Plan LAZO began.");
        assert_eq!(
            id,
            passage_id(("news/a.txt", None, None), "Plan LAZO began.")
        );
        assert_ne!(
            id,
            passage_id(("news/b.txt", None, None), "Plan LAZO began.")
        );
        assert_ne!(
            id,
            passage_id(("news/a.txt", None, None), "Plan LAZO began!")
        );
        assert_ne!(
            id,
            passage_id(("news/a.txt", Some(3), None), "Plan LAZO began.")
        );
        let in_zip = passage_id(("pack.zip", None, Some("a.txt")), "Plan LAZO began.");
        assert_ne!(
            in_zip,
            passage_id(("pack.zip", None, Some("b.txt")), "Plan LAZO began.")
        );
        assert_ne!(
            in_zip,
            passage_id(("pack.zip", None, None), "Plan LAZO began.")
        );
        // The separator keeps (path, text) pairs apart.
        assert_ne!(
            passage_id(("a", None, None), "bc"),
            passage_id(("ab", None, None), "c")
        );
        // Ids of documents outside containers are what they always were.
        assert_eq!(
            id,
            xxhash_rust::xxh3::xxh3_64(b"news/a.txt\0Plan LAZO began.")
        );
    }
}
