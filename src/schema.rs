//! The index schema: one tantivy document per passage, its fields named in one place.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use tantivy::IndexSettings;
use tantivy::store::{Compressor, ZstdCompressor};

use crate::analysis;

/// Version of the schema and analysis that cita writes. An index recording
/// another version is rebuilt or refused, never misread.
pub const SCHEMA_VERSION: u32 = 5;

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
    /// Record number within a JSON feed, fast for telling a feed's documents apart.
    pub record: Field,
    /// Where the date came from: `metadata` or `text`.
    pub date_origin: Field,
    /// Passage text, folded, with positions, stored. Inflections are found
    /// at search time (see [`crate::query::inflection`]).
    pub text: Field,
    /// Years the passage text mentions (multi-valued), for `--mentions` and timelines.
    pub mentions: Field,
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
        id: builder.add_u64_field("id", FAST),
        source: builder.add_text_field("source", STRING | STORED | FAST),
        title: builder.add_text_field("title", folded()),
        publication: builder.add_text_field("publication", folded()),
        url: builder.add_text_field("url", STORED),
        date: builder.add_i64_field("date", INDEXED | STORED | FAST),
        section: builder.add_text_field("section", folded()),
        paragraph: builder.add_u64_field("paragraph", STORED | FAST),
        part: builder.add_u64_field("part", STORED | FAST),
        byte_start: builder.add_u64_field("byte_start", STORED),
        byte_end: builder.add_u64_field("byte_end", STORED),
        page: builder.add_u64_field("page", STORED),
        record: builder.add_u64_field("record", STORED | FAST),
        date_origin: builder.add_text_field("date_origin", STORED),
        text: builder.add_text_field("text", folded()),
        mentions: builder.add_u64_field("mentions", INDEXED | STORED | FAST),
    };
    (builder.build(), fields)
}

/// Field handles of an existing index, or `None` if a field is missing.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let get = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        id: get("id")?,
        source: get("source")?,
        title: get("title")?,
        publication: get("publication")?,
        url: get("url")?,
        date: get("date")?,
        section: get("section")?,
        paragraph: get("paragraph")?,
        part: get("part")?,
        byte_start: get("byte_start")?,
        byte_end: get("byte_end")?,
        page: get("page")?,
        record: get("record")?,
        date_origin: get("date_origin")?,
        text: get("text")?,
        mentions: get("mentions")?,
    })
}
