//! The language of a document and of each passage: declared by the
//! document's metadata, else detected from its text, else the default.
//!
//! A language is an ISO 639-1 code (`es`), the form stored in the index and
//! shown in results. Declared values are read leniently (`es-CO`, `es_CO`,
//! `spa`, `Spanish` are all `es`). Detection uses `whatlang` (trigram
//! models of 70 languages; chosen by measured accuracy on short paragraphs,
//! see the README) and is trusted only when the detector itself says its
//! answer is reliable: a wrong language would stem a passage with the wrong
//! rules, which is worse than the document's language.
//!
//! whatlang reads a few MB a second, too slow to run on every passage of
//! an archive (it would have doubled the build). `whichlang`, twenty times
//! faster but unable to abstain, screens first: where it names the language
//! cita would assume anyway (the document's, for a passage; the default,
//! for a document), that stands; only where it names another does
//! whatlang decide.

use std::fmt;

use frostem::Algorithm;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::Error;

/// A language cita knows: one with a Snowball stemmer, or one the detector
/// can name. Stored in the index as its code packed into a number
/// ([`Language::id`]), so the index never depends on the order of a table.
#[derive(Clone, Copy)]
pub struct Language(&'static Known);

struct Known {
    /// ISO 639-1.
    code: &'static str,
    /// ISO 639-3, as the detector names it.
    code3: &'static str,
    /// English name, lower case.
    name: &'static str,
    stemmer: Option<Algorithm>,
}

macro_rules! known {
    ($($code:literal $code3:literal $name:literal $stemmer:expr;)*) => {
        &[$(Known { code: $code, code3: $code3, name: $name, stemmer: $stemmer },)*]
    };
}

/// Every known language, sorted by code. The Snowball stemmers first came
/// from this list's `Some`s; the rest are what the detector names.
static KNOWN: &[Known] = known! {
    "af" "afr" "afrikaans" None;
    "ak" "aka" "akan" None;
    "am" "amh" "amharic" None;
    "ar" "ara" "arabic" Some(Algorithm::Arabic);
    "az" "aze" "azerbaijani" None;
    "be" "bel" "belarusian" None;
    "bg" "bul" "bulgarian" None;
    "bn" "ben" "bengali" None;
    "ca" "cat" "catalan" Some(Algorithm::Catalan);
    "cs" "ces" "czech" Some(Algorithm::Czech);
    "cy" "cym" "welsh" None;
    "da" "dan" "danish" Some(Algorithm::Danish);
    "de" "deu" "german" Some(Algorithm::German);
    "el" "ell" "greek" Some(Algorithm::Greek);
    "en" "eng" "english" Some(Algorithm::English);
    "eo" "epo" "esperanto" Some(Algorithm::Esperanto);
    "es" "spa" "spanish" Some(Algorithm::Spanish);
    "et" "est" "estonian" Some(Algorithm::Estonian);
    "eu" "eus" "basque" Some(Algorithm::Basque);
    "fa" "pes" "persian" Some(Algorithm::Persian);
    "fi" "fin" "finnish" Some(Algorithm::Finnish);
    "fr" "fra" "french" Some(Algorithm::French);
    "ga" "gle" "irish" Some(Algorithm::Irish);
    "gu" "guj" "gujarati" None;
    "he" "heb" "hebrew" None;
    "hi" "hin" "hindi" Some(Algorithm::Hindi);
    "hr" "hrv" "croatian" None;
    "hu" "hun" "hungarian" Some(Algorithm::Hungarian);
    "hy" "hye" "armenian" Some(Algorithm::Armenian);
    "id" "ind" "indonesian" Some(Algorithm::Indonesian);
    "it" "ita" "italian" Some(Algorithm::Italian);
    "ja" "jpn" "japanese" None;
    "jv" "jav" "javanese" None;
    "ka" "kat" "georgian" None;
    "km" "khm" "khmer" None;
    "kn" "kan" "kannada" None;
    "ko" "kor" "korean" None;
    "la" "lat" "latin" None;
    "lt" "lit" "lithuanian" Some(Algorithm::Lithuanian);
    "lv" "lav" "latvian" None;
    "mk" "mkd" "macedonian" None;
    "ml" "mal" "malayalam" None;
    "mr" "mar" "marathi" None;
    "my" "mya" "burmese" None;
    "ne" "nep" "nepali" Some(Algorithm::Nepali);
    "nl" "nld" "dutch" Some(Algorithm::DutchPorter);
    "no" "nob" "norwegian" Some(Algorithm::Norwegian);
    "or" "ori" "oriya" None;
    "pa" "pan" "punjabi" None;
    "pl" "pol" "polish" Some(Algorithm::Polish);
    "pt" "por" "portuguese" Some(Algorithm::Portuguese);
    "ro" "ron" "romanian" Some(Algorithm::Romanian);
    "ru" "rus" "russian" Some(Algorithm::Russian);
    "si" "sin" "sinhala" None;
    "sk" "slk" "slovak" None;
    "sl" "slv" "slovenian" None;
    "sn" "sna" "shona" None;
    "sr" "srp" "serbian" Some(Algorithm::Serbian);
    "st" "sot" "sesotho" Some(Algorithm::Sesotho);
    "sv" "swe" "swedish" Some(Algorithm::Swedish);
    "ta" "tam" "tamil" Some(Algorithm::Tamil);
    "te" "tel" "telugu" None;
    "th" "tha" "thai" None;
    "tk" "tuk" "turkmen" None;
    "tl" "tgl" "tagalog" None;
    "tr" "tur" "turkish" Some(Algorithm::Turkish);
    "uk" "ukr" "ukrainian" None;
    "ur" "urd" "urdu" None;
    "uz" "uzb" "uzbek" None;
    "vi" "vie" "vietnamese" None;
    "yi" "yid" "yiddish" Some(Algorithm::Yiddish);
    "zh" "cmn" "chinese" None;
    "zu" "zul" "zulu" None;
};

/// Other names a declared language goes by: ISO 639-2/B codes, the
/// individual Norwegian codes and Chinese's macrolanguage code.
const ALIASES: &[(&str, &str)] = &[
    ("nb", "no"),
    ("nn", "no"),
    ("nor", "no"),
    ("nno", "no"),
    ("zho", "zh"),
    ("chi", "zh"),
    ("fas", "fa"),
    ("per", "fa"),
    ("fre", "fr"),
    ("ger", "de"),
    ("dut", "nl"),
    ("gre", "el"),
    ("cze", "cs"),
    ("rum", "ro"),
    ("baq", "eu"),
    ("arm", "hy"),
    ("geo", "ka"),
    ("mac", "mk"),
    ("slo", "sk"),
    ("wel", "cy"),
    ("bur", "my"),
];

/// Names a declaration may give a language besides its English one: its
/// own name, and its Spanish name (an archivist's front matter says
/// `lang: español` or `idioma: inglés`), accents and case aside
/// ([`without_accents`] reads both sides).
const NAMES: &[(&str, &str)] = &[
    ("español", "es"),
    ("castellano", "es"),
    ("inglés", "en"),
    ("português", "pt"),
    ("français", "fr"),
    ("francés", "fr"),
    ("deutsch", "de"),
    ("alemán", "de"),
    ("italiano", "it"),
    ("català", "ca"),
    ("catalán", "ca"),
    ("nederlands", "nl"),
    ("holandés", "nl"),
    ("neerlandés", "nl"),
    ("russkiy", "ru"),
    ("ruso", "ru"),
    ("árabe", "ar"),
    ("chino", "zh"),
    ("japonés", "ja"),
    ("euskera", "eu"),
    ("euskara", "eu"),
    ("vasco", "eu"),
    ("русский", "ru"),
];

/// `text` without its combining accents (`español` is `espanol`), as
/// declarations are written with or without them.
fn without_accents(text: &str) -> String {
    text.nfd().filter(|&c| !is_combining_mark(c)).collect()
}

/// What [`Language::from_option`] and a declaration cita cannot read say
/// of the languages it knows.
pub const KNOWN_LANGUAGES: &str = "none of the 73 languages cita knows by their ISO 639-1 codes (es, en, pt…; README, \"Languages\")";

impl Language {
    /// English: the default when nothing else is known.
    pub const ENGLISH: Language = Language(&KNOWN[14]);

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// The English name, lower case.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The Snowball stemmer for this language, if there is one; words of a
    /// language without one match in their folded form only.
    pub fn stemmer(self) -> Option<Algorithm> {
        self.0.stemmer
    }

    /// Every language cita knows, sorted by code.
    pub fn all() -> impl Iterator<Item = Language> {
        KNOWN.iter().map(Language)
    }

    /// The language an exact ISO 639-1 code names (`es`), as `lang:` and
    /// `--lang` take it.
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.to_ascii_lowercase();
        let code = ALIASES
            .iter()
            .find(|(alias, _)| *alias == code)
            .map_or(code.as_str(), |(_, canonical)| canonical);
        KNOWN
            .binary_search_by(|known| known.code.cmp(code))
            .ok()
            .map(|at| Language(&KNOWN[at]))
    }

    /// The language of `code` given as the option `option` (`--lang`,
    /// `lang`), read as leniently as a document's declaration
    /// ([`Language::parse_declared`]: `es-CO`, `spa`, `Spanish` are `es`,
    /// a region naming no language of its own): an unknown code is an
    /// [`Error::InvalidOption`] naming it.
    pub fn from_option(option: &str, code: &str) -> Result<Language, Error> {
        // `--lang "es, pt"`: the space after a comma is not part of a code.
        Language::parse_declared(code)
            .ok_or_else(|| Error::InvalidOption(format!("{option} {code:?} is {KNOWN_LANGUAGES}")))
    }

    /// The language a document declares, read leniently: a language tag
    /// (`es`, `es-CO`, `es_CO`), a three-letter code (`spa`), an English
    /// name (`Spanish`), its own or its Spanish name (`español`,
    /// `castellano`, `Deutsch`, `inglés`). `None` when the value names no
    /// known language.
    pub fn parse_declared(value: &str) -> Option<Language> {
        let value = value.trim();
        let primary = value.split(['-', '_']).next().unwrap_or_default();
        if let Some(language) = Language::from_code(primary) {
            return Some(language);
        }
        let lower = value.to_lowercase();
        // A name with its region, as office programs show it: `Español
        // (Colombia)`, `Português (Brasil)`, `español-CO`.
        let name = without_accents(
            lower
                .split(['(', '-', '_'])
                .next()
                .unwrap_or_default()
                .trim(),
        );
        if let Some((_, code)) = NAMES
            .iter()
            .find(|(known, _)| without_accents(known) == name)
        {
            return Language::from_code(code);
        }
        KNOWN
            .iter()
            .find(|known| known.code3 == primary.to_ascii_lowercase() || known.name == lower)
            .map(Language)
    }

    /// The number stored in the index for this language: its code's bytes.
    pub fn id(self) -> u64 {
        self.code()
            .bytes()
            .fold(0, |id, byte| (id << 8) | u64::from(byte))
    }

    /// The language stored as `id`.
    pub fn from_id(id: u64) -> Option<Language> {
        // Read for every language term of every segment a query opens: the
        // stored ids are canonical codes, found without building a string.
        KNOWN
            .binary_search_by(|known| Language(known).id().cmp(&id))
            .ok()
            .map(|at| Language(&KNOWN[at]))
    }
}

impl PartialEq for Language {
    fn eq(&self, other: &Language) -> bool {
        self.code() == other.code()
    }
}

impl Eq for Language {}

impl std::hash::Hash for Language {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl PartialOrd for Language {
    fn partial_cmp(&self, other: &Language) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Language {
    fn cmp(&self, other: &Language) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Language::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!("{code:?} names no language cita knows"))
        })
    }
}

/// A passage shorter than this keeps its document's language: on a
/// sentence or two the detector is too often wrong (see the README).
pub const MIN_DETECTED_PASSAGE_CHARS: usize = 200;

/// How much of a document the detector reads: enough for a reliable
/// answer, bounded so a book costs no more than an article.
const DOCUMENT_SAMPLE_BYTES: usize = 256;

/// How much of a long passage the detector reads first.
const PASSAGE_SAMPLE_BYTES: usize = 128;

/// When the screen must name the language whatlang reliably finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corroboration {
    /// Always: a short passage of code or a directory listing can look
    /// reliably Catalan to whatlang alone.
    Always,
    /// Where the screen knows the language (16 of whatlang's 70): it
    /// cannot name Greek, Polish or Catalan, and whatlang alone decides
    /// those.
    WhereKnown,
}

/// The language of `text` when it is not `assumed`, the detector is
/// confident of it and the screen corroborates it as `corroboration`
/// says; `None` keeps `assumed`.
fn detect_other_than(
    text: &str,
    assumed: Language,
    corroboration: Corroboration,
) -> Option<Language> {
    let screened = screen(text);
    if screened == assumed.0.code3 {
        return None;
    }
    detect(text).filter(|&language| {
        language != assumed
            && (language.0.code3 == screened
                || corroboration == Corroboration::WhereKnown && !screen_knows(language))
    })
}

/// The language whichlang, the screen, names for `text` (it always names
/// one), as its three-letter code.
fn screen(text: &str) -> &'static str {
    whichlang::detect_language(text).three_letter_code()
}

/// Whether whichlang, the screen, can name `language`.
fn screen_knows(language: Language) -> bool {
    whichlang::LANGUAGES
        .iter()
        .any(|known| known.three_letter_code() == language.0.code3)
}

/// The language of `text`, when the detector is confident of it.
pub fn detect(text: &str) -> Option<Language> {
    whatlang_answer(text).and_then(|(language, reliable)| reliable.then_some(language))
}

/// whatlang's answer for `text`, and whether it calls it reliable.
fn whatlang_answer(text: &str) -> Option<(Language, bool)> {
    let info = whatlang::detect(text)?;
    let code3 = info.lang().code();
    KNOWN
        .iter()
        .find(|known| known.code3 == code3)
        .map(|known| (Language(known), info.is_reliable()))
}

/// The language of a document whose text `paragraphs` yields: what it
/// declares, else the language most of its first sentences are in, when
/// whatlang reliably finds it in them too, else what both detectors find
/// in those sentences' words other than names (whatlang is seldom sure of
/// a few Spanish sentences, and names mislead it), else, for a brief, what
/// both find in its words other than names, else what whatlang reliably
/// finds in its first prose paragraphs and the screen names too (where it
/// can name it), else `default`. Where the screen finds `default` in both
/// samples and in the first's words other than names, whatlang does not
/// run. Sentences (prose paragraphs of 100 characters or more, or of 40 or
/// more that end as a sentence does; a sentence too full of figures or
/// identifiers to read as prose is read without its words holding digits
/// or underscores, when most of the rest are uncapitalised) first,
/// because a manual's contents lines ("Data Type Mapping", "Null,
/// None", "Arrays, Lists") read as French to both detectors; screened one
/// by one and weighed by length, because an article's first sentence can
/// be a quotation or a banner in another language ("We are deeply
/// concerned…," the White House said, atop a Spanish report); both
/// detectors, because where code and Chinese mix in long paragraphs
/// whatlang alone finds Indonesian or Latin, and a short Spanish paragraph
/// can read as Portuguese to whatlang alone.
pub fn of_document<'a>(
    declared: Option<Language>,
    paragraphs: impl Iterator<Item = &'a str>,
    default: Language,
) -> Language {
    if let Some(language) = declared {
        return language;
    }
    let mut first = String::new();
    // Per language the screen names: the sentences' bytes and a sample of them.
    let mut sentences: Vec<(&'static str, usize, String)> = Vec::new();
    let (mut sentence_bytes, mut text_bytes) = (0, 0);
    for (read, paragraph) in paragraphs.enumerate() {
        if first.len() >= DOCUMENT_SAMPLE_BYTES
            && (sentence_bytes >= SENTENCES_SAMPLE_BYTES || read >= SENTENCES_WITHIN_PARAGRAPHS)
        {
            break;
        }
        text_bytes += paragraph.len();
        let words;
        let (paragraph, sentence) = match is_prose(paragraph) {
            true => (paragraph, reads_as_sentence(paragraph)),
            // Sentences full of figures ("2,280,522 residents in 2023. The
            // city spans 560.3 km2 (216.3 sq mi)") or naming identifiers
            // (`SPI_getargcount returns the number of arguments…`, a
            // reference page's) are prose without those words; a listing,
            // code (`…, size_t size);`) or a table of names is not.
            false
                if reads_as_sentence(paragraph)
                    && ends_as_sentence(without_note_marks(paragraph)) =>
            {
                words = words_of_prose(prefix(paragraph, SENTENCES_SAMPLE_BYTES));
                if !(words.chars().count() >= SHORT_SENTENCE_CHARS
                    && is_prose(&words)
                    && mostly_uncapitalised(&words))
                {
                    continue;
                }
                (words.as_str(), true)
            }
            false => continue,
        };
        let sample = prefix(paragraph, DOCUMENT_SAMPLE_BYTES);
        if first.len() < DOCUMENT_SAMPLE_BYTES {
            first.push_str(sample);
            first.push('\n');
        }
        if sentence_bytes < SENTENCES_SAMPLE_BYTES && sentence {
            let screened = screen(sample);
            let at = match sentences.iter().position(|(code3, ..)| *code3 == screened) {
                Some(at) => at,
                None => {
                    sentences.push((screened, 0, String::new()));
                    sentences.len() - 1
                }
            };
            let (_, bytes, text) = &mut sentences[at];
            *bytes += sample.len();
            text.push_str(sample);
            text.push('\n');
            sentence_bytes += sample.len();
        }
    }
    // The first language to reach the most bytes.
    let most = sentences
        .iter()
        .rev()
        .max_by_key(|(_, bytes, _)| *bytes)
        .map(|(code3, _, text)| (*code3, text.as_str()));
    let screened = most.map_or_else(|| screen(""), |(code3, _)| code3);
    // The names of a text about a place of the default's language read as
    // that language ("District and city in Valle del Cauca, Colombia.").
    if screened == default.0.code3
        && screen(&first) == default.0.code3
        && screen(&without_names(&first)) == default.0.code3
    {
        return default;
    }
    // whatlang is seldom sure of Spanish in a few sentences (Portuguese,
    // Galician and Catalan lie close), and names mislead it ("Alfred
    // Lothar Wegener was a German climatologist" is German to it): where
    // it is not sure of the screen's language, what the two detectors find
    // in the sentences' words other than names decides, as for a brief
    // ("Diego María de la Concepción … was a Mexican painter" is English).
    if let Some(language) = most.and_then(|(code3, text)| {
        whatlang_answer(text)
            .filter(|(found, reliable)| *reliable && found.0.code3 == code3)
            .map(|(found, _)| found)
            .or_else(|| both_find(&without_names(text)))
    }) {
        return language;
    }
    // On a brief (a wire story of a sentence or two) whatlang is never
    // sure: the two detectors agreeing on its words decide, its names left
    // out, since both agree on the names' language ("Angela Merkel met Olaf
    // Scholz…" reads as German, "Diego María de la Concepción… was a
    // Mexican painter" as Spanish).
    if text_bytes < BRIEF_BYTES
        && let Some(language) = both_find(&without_names(&first))
    {
        return language;
    }
    detect_other_than(&first, default, Corroboration::WhereKnown).unwrap_or(default)
}

/// The language both detectors find in `words` (a text's words other than
/// names), sure or not; none for fewer than [`BRIEF_WORDS_BYTES`].
fn both_find(words: &str) -> Option<Language> {
    if words.len() < BRIEF_WORDS_BYTES {
        return None;
    }
    whatlang_answer(words)
        .map(|(found, _)| found)
        .filter(|found| found.0.code3 == screen(words))
}

/// A prose paragraph this long reads as sentences, not as a heading or a
/// contents line.
const SENTENCE_CHARS: usize = 100;

/// A shorter paragraph reads as a sentence when it is this long and ends
/// as one: a news report's paragraphs are often one sentence each.
const SHORT_SENTENCE_CHARS: usize = 40;

/// A document of fewer bytes of text (prose or not) is a brief (see
/// [`of_document`]).
const BRIEF_BYTES: usize = 200;

/// A brief whose words other than names come to fewer bytes keeps the
/// default: too little for either detector.
const BRIEF_WORDS_BYTES: usize = 24;

/// `text` without its words that hold a digit (`2,280,522`, `(216.3`,
/// `km2`) or an underscore (`SPI_getargcount`).
fn words_of_prose(text: &str) -> String {
    let words = text
        .split_whitespace()
        .filter(|word| !word.chars().any(|c| c.is_ascii_digit() || c == '_'));
    words.collect::<Vec<_>>().join(" ")
}

/// Whether most of `text`'s words start with a small letter: a sentence's
/// do, a table of names' (`Antioquia … Bogotá D.C. … Sucre`) do not.
fn mostly_uncapitalised(text: &str) -> bool {
    let (mut small, mut words) = (0, 0);
    for initial in text
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphabetic()))
    {
        words += 1;
        small += usize::from(initial.is_lowercase());
    }
    small * 2 > words
}

/// `text` without its capitalised words: names, and a sentence's first word.
fn without_names(text: &str) -> String {
    let words = text.split_whitespace().filter(|word| {
        !word
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_uppercase)
    });
    words.collect::<Vec<_>>().join(" ")
}

/// How much of a document's sentences the screen reads.
const SENTENCES_SAMPLE_BYTES: usize = 4 * DOCUMENT_SAMPLE_BYTES;

/// Whether a prose paragraph reads as a sentence or more (see
/// [`SENTENCE_CHARS`], [`SHORT_SENTENCE_CHARS`]).
fn reads_as_sentence(paragraph: &str) -> bool {
    let chars = paragraph.chars().take(SENTENCE_CHARS).count();
    chars == SENTENCE_CHARS || (chars >= SHORT_SENTENCE_CHARS && ends_as_sentence(paragraph))
}

/// `text` without the marks a sentence may end with: a note's or a
/// citation's (`area.[4]`, `… (DANE, 2023)`), or a footnote's number after
/// its full stop, as a PDF's text keeps it (`en 2023.12`).
fn without_note_marks(text: &str) -> &str {
    let mut text = text.trim_end();
    loop {
        let bracketed = [('[', ']'), ('(', ')')].iter().find_map(|&(open, close)| {
            text.strip_suffix(close).and_then(|inner| inner.rfind(open))
        });
        match bracketed {
            Some(open) => text = text[..open].trim_end(),
            None => break,
        }
    }
    let number = text.trim_end_matches(|c: char| c.is_ascii_digit());
    let noted = text.len() - number.len() <= 3
        && number
            .strip_suffix(['.', '!', '?'])
            .is_some_and(|sentence| sentence.ends_with(char::is_alphabetic));
    if noted { number } else { text }
}

/// Whether `text` ends as a sentence does, closing quotes and brackets
/// aside.
fn ends_as_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', ')', ']'])
        .ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// Sentences are looked for among a document's first paragraphs only, so
/// a book of short lines costs no more than an article.
const SENTENCES_WITHIN_PARAGRAPHS: usize = 512;

/// The language a file's name gives, as content negotiation names files
/// (`ch07.en.html`, `index.es.html`, `nota.pt.txt`): a known two-letter
/// code in lower case between the name and its extension. It stands for a
/// declaration when the document makes none.
pub fn of_file_name(path: &str) -> Option<Language> {
    let name = path.rsplit(['/', '\\']).next()?;
    let mut parts = name.rsplit('.');
    let _extension = parts.next()?;
    let code = parts.next()?;
    let _stem = parts.next().filter(|stem| !stem.is_empty())?;
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
        Language::from_code(code)
    } else {
        None
    }
}

/// The language of a passage of a document in `document_language`: its own
/// when it is long and both detectors are confident of it, at its beginning
/// and over its whole text (a quotation in another language), else the
/// document's. Its beginning alone is not enough: an English article's
/// paragraph can open with a Spanish name ("Antonio de Padua María Severino
/// López de Santa Anna y Pérez de Lebrón, often known as Santa Anna, was…").
pub fn of_passage(text: &str, document_language: Language) -> Language {
    if text.len() < MIN_DETECTED_PASSAGE_CHARS
        || text.chars().count() < MIN_DETECTED_PASSAGE_CHARS
        || !is_prose(text)
    {
        return document_language;
    }
    // Most passages are told by their beginning, cheaply; one that seems
    // in another language is read whole.
    let detect = |text| detect_other_than(text, document_language, Corroboration::Always);
    detect(prefix(text, PASSAGE_SAMPLE_BYTES))
        .filter(|&beginning| detect(text) == Some(beginning))
        .unwrap_or(document_language)
}

/// Whether `text` reads as prose: at least 85% of what is not space is
/// letters, commas, full stops (Chinese and Japanese ones too) and
/// apostrophes (prose sentences with dates
/// and quotes measure 87% and more; a directory listing, a table of
/// numbers or a shell session 84% and less, and whatlang can call one of
/// those "reliably" Catalan). A word with an underscore is an identifier,
/// none of it prose: C prototypes (`dma_addr_t dma_map_page(struct device
/// *dev, …)`) are mostly letters, and both detectors called one French.
fn is_prose(text: &str) -> bool {
    let sample = prefix(text, PASSAGE_SAMPLE_BYTES.max(DOCUMENT_SAMPLE_BYTES));
    let (mut prose, mut all) = (0, 0);
    // The run of ASCII letters, digits and underscores being read: its
    // length, its letters, and whether an underscore is among them.
    let (mut run, mut letters, mut underscored) = (0, 0, false);
    for c in sample.chars().chain([' ']) {
        if c.is_ascii_alphanumeric() || c == '_' {
            run += 1;
            letters += usize::from(c.is_ascii_alphabetic());
            underscored |= c == '_';
            continue;
        }
        all += run;
        if !underscored {
            prose += letters;
        }
        (run, letters, underscored) = (0, 0, false);
        if !c.is_whitespace() {
            all += 1;
            if c.is_alphabetic() || matches!(c, ',' | '.' | '\'' | '’' | '，' | '。' | '、') {
                prose += 1;
            }
        }
    }
    prose * 20 >= all * 17
}

/// The first `bytes` bytes of `text` at most, cut at a character boundary.
fn prefix(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_told_by_its_sentences_when_both_detectors_agree() {
        // A manual's contents lines read as French to both detectors.
        let manual = [
            "Chapter 46. PL/Python — Python Procedural Language",
            "Table of Contents",
            "46.1. PL/Python Functions",
            "46.2. Data Values",
            "46.2.1. Data Type Mapping",
            "46.2.2. Null, None",
            "46.2.3. Arrays, Lists",
            "46.2.4. Composite Types",
            "46.2.5. Set-Returning Functions",
            "46.3. Sharing Data",
            "46.4. Anonymous Code Blocks",
            "46.5. Trigger Functions",
            "46.6. Database Access",
            "46.6.1. Database Access Functions",
            "46.6.2. Trapping Errors",
            "46.7. Explicit Subtransactions",
            "46.7.1. Subtransaction Context Managers",
            "46.8. Transaction Management",
            "46.9. Utility Functions",
            "46.10. Python 2 vs. Python 3",
            "46.11. Environment Variables",
            "The PL/Python procedural language allows PostgreSQL functions and procedures \
             to be written in the Python language, and each of them runs in the server.",
        ];
        assert_eq!(
            of_document(None, manual.into_iter(), Language::ENGLISH),
            Language::ENGLISH
        );
        // Long paragraphs where Chinese sentences name identifiers: whatlang
        // alone reads them as another language; the first paragraphs say
        // Chinese.
        let chinese = [
            "调度器调试文件",
            "此文件的目的是为让中文读者更容易阅读和理解，而不是作为一个分支。",
            "numa_balancing 目录存放控制平衡特性的文件。 如果负载太高，可以通过 \
             scan_period_min_ms, scan_delay_ms, scan_period_max_ms, scan_size_mb \
             文件控制内核采样速率。",
            "scan_period_min_ms, scan_delay_ms, scan_period_max_ms, scan_size_mb \
             决定扫描速率 numa_balancing scan_period_min_ms scan_delay_ms。",
        ];
        assert_eq!(
            of_document(None, chinese.into_iter(), Language::ENGLISH).code(),
            "zh"
        );
    }

    #[test]
    fn the_table_is_sorted_and_english_is_english() {
        assert!(KNOWN.windows(2).all(|pair| pair[0].code < pair[1].code));
        // A query's language masks have a bit per language (`u128`).
        assert!(KNOWN.len() < 128);
        assert_eq!(Language::ENGLISH.code(), "en");
        assert_eq!(Language::ENGLISH.stemmer(), Some(Algorithm::English));
        assert!(KNOWN_LANGUAGES.contains(&format!("the {} languages", KNOWN.len())));
        for (name, code) in NAMES {
            assert!(Language::from_code(code).is_some(), "{name}");
        }
    }

    #[test]
    fn declared_values_are_read_leniently() {
        for value in [
            "es",
            "ES",
            "es-CO",
            "es_CO",
            "spa",
            "Spanish",
            " es ",
            "español",
            "Castellano",
            "ESPAÑOL",
            "Español (Colombia)",
            "español-CO",
        ] {
            assert_eq!(
                Language::parse_declared(value).map(Language::code),
                Some("es"),
                "{value}"
            );
        }
        assert_eq!(
            Language::parse_declared("nb-NO").map(Language::code),
            Some("no")
        );
        for (value, code) in [
            ("Português (Brasil)", "pt"),
            ("Portugues", "pt"),
            ("Русский", "ru"),
        ] {
            assert_eq!(
                Language::parse_declared(value).map(Language::code),
                Some(code),
                "{value}"
            );
        }
        assert_eq!(Language::parse_declared("xx"), None);
        assert_eq!(Language::parse_declared(""), None);
        assert_eq!(
            Language::from_code("spa"),
            None,
            "lang: takes the two-letter code"
        );
    }

    #[test]
    fn ids_round_trip_for_every_language() {
        for language in Language::all() {
            assert_eq!(Language::from_id(language.id()), Some(language));
        }
        assert_eq!(Language::from_id(0), None);
        assert_eq!(Language::from_id(u64::MAX), None);
    }

    #[test]
    fn detection_tells_spanish_from_english_and_abstains_on_little_text() {
        let spanish = "El Consejo de Estado revocó la visa del presidente y ordenó \
                       una investigación sobre las negociaciones con los desplazados.";
        let english = "The State Department revoked the president's visa and ordered \
                       an investigation into the negotiations with the displaced.";
        assert_eq!(detect(spanish), Some(Language::from_code("es").unwrap()));
        assert_eq!(detect(english), Some(Language::ENGLISH));
        assert_eq!(detect("ok"), None);
        assert_eq!(detect(""), None);
    }

    #[test]
    fn a_long_quotation_gets_its_own_language_a_short_one_its_documents() {
        let spanish = Language::from_code("es").unwrap();
        let quotation = "The State Department revoked the president's visa on Friday, \
                         saying that his remarks at the rally in New York were reckless \
                         and incendiary, and that the decision was taken after a review \
                         of his conduct during the visit.";
        assert_eq!(of_passage(quotation, spanish), Language::ENGLISH);
        assert_eq!(of_passage("The visa was revoked.", spanish), spanish);
        // A paragraph of an English article that opens with a Spanish name.
        let named = "Antonio de Padua María Severino López de Santa Anna y Pérez de Lebrón, \
                     often known as Santa Anna, was a Mexican soldier, statesman, and \
                     caudillo who served as president of Mexico on multiple occasions over \
                     a 40-year period. He was a controversial figure in Mexican history.";
        assert_eq!(of_passage(named, Language::ENGLISH), Language::ENGLISH);
        // C prototypes are mostly letters, but identifiers are not prose.
        let prototypes = "dma_addr_t dma_map_page(struct device *dev, struct page *page, \
                          unsigned long offset, size_t size, enum dma_data_direction \
                          direction) void dma_unmap_page(struct device *dev, dma_addr_t \
                          dma_address, size_t size, enum dma_data_direction direction)";
        assert_eq!(of_passage(prototypes, Language::ENGLISH), Language::ENGLISH);
        // Chinese prose, with its own commas and full stops, naming an
        // identifier, is prose.
        assert!(is_prose(
            "内核在这里保留了一个标志，用来区分正常的页表项和文件偏移的项，也就是pte_file。\
             这个标志是稀缺的资源，特别是在某些架构上，如果能腾出来就更好了。"
        ));
    }

    #[test]
    fn listings_and_code_are_not_prose() {
        assert!(is_prose(
            "El Gobierno anunció que las negociaciones continuarán."
        ));
        assert!(is_prose(
            "此文件的目的是为让中文读者更容易阅读和理解，而不是作为一个分支。"
        ));
        assert!(!is_prose(
            "drwxr-xr-x  2 root root    0 May 14 16:06 . drwxr-xr-x  3 root root    0 May 14"
        ));
        assert!(!is_prose(
            "<mysystem>:/sys/devices/system/cpu/cpu0/cpufreq/stats # ls -l"
        ));
        assert!(!is_prose(
            "nstatuser@nstat-a:~$ nstat | grep -i tcp TcpActiveOpens      1      0.0 TcpInSegs"
        ));
        assert!(is_prose(
            "«Es una decisión política», dijo el canciller (Álvaro Leyva) el 28 de septiembre de 2025."
        ));
        let french = Language::from_code("fr").unwrap();
        let listing = ["drwxr-xr-x 2 root root 0 May 14 16:06 cpufreq/stats/time_in_state"];
        assert_eq!(of_document(None, listing.into_iter(), french), french);
    }

    #[test]
    fn a_file_name_may_name_its_language() {
        let code = |path: &str| of_file_name(path).map(Language::code);
        assert_eq!(code("reference/html/ch07.en.html"), Some("en"));
        assert_eq!(code("index.es.html"), Some("es"));
        assert_eq!(code("pack.zip/notas/nota.pt.txt"), Some("pt"));
        for none in [
            "ch07.html",
            "es.html",
            ".es.html",
            "nota.ES.txt",
            "nota.xx.txt",
            "nota.spa.txt",
            "nota.es",
            "archive.tar.gz",
            "es",
        ] {
            assert_eq!(code(none), None, "{none}");
        }
    }

    #[test]
    fn a_document_declares_else_detects_else_defaults() {
        let spanish = Language::from_code("es").unwrap();
        let french = Language::from_code("fr").unwrap();
        let text =
            ["El gobierno anunció que las negociaciones continuarán la próxima semana en Bogotá."];
        assert_eq!(
            of_document(Some(french), text.into_iter(), Language::ENGLISH),
            french
        );
        assert_eq!(
            of_document(None, text.into_iter(), Language::ENGLISH),
            spanish
        );
        assert_eq!(of_document(None, ["42"].into_iter(), french), french);
    }

    #[test]
    fn an_articles_sentences_outweigh_a_quotation_atop_it() {
        let spanish = Language::from_code("es").unwrap();
        let report = [
            "Washington y Bogotá",
            "\"We are deeply concerned about the situation in Colombia,\" the White House said \
             in a statement on Friday.",
            "La Casa Blanca expresó su preocupación por la situación de orden público en el Catatumbo.",
            "El Gobierno colombiano respondió que no aceptará presiones.",
            "El canciller citó al encargado de negocios.",
            "Los combates continúan en Tibú y El Tarra.",
        ];
        assert_eq!(
            of_document(None, report.into_iter(), Language::ENGLISH),
            spanish
        );
        // The quotation alone is English.
        assert_eq!(
            of_document(None, report[..2].iter().copied(), spanish),
            Language::ENGLISH
        );
    }

    #[test]
    fn languages_the_screen_cannot_name_are_whatlangs_alone() {
        let documents = [
            (
                "el",
                "Η κυβέρνηση ανακοίνωσε ότι οι διαπραγματεύσεις με τους αντάρτες θα συνεχιστούν \
                 την επόμενη εβδομάδα στην πρωτεύουσα, παρά τις αντιδράσεις της αντιπολίτευσης.",
            ),
            (
                "pl",
                "Rząd ogłosił, że negocjacje z partyzantami będą kontynuowane w przyszłym \
                 tygodniu w stolicy, mimo sprzeciwu opozycji i protestów mieszkańców regionu.",
            ),
            (
                "da",
                "Regeringen meddelte, at forhandlingerne med oprørerne vil fortsætte i næste uge \
                 i hovedstaden, på trods af modstand fra oppositionen og protester fra beboerne.",
            ),
        ];
        for (code, text) in documents {
            let found = of_document(None, [text, text].into_iter(), Language::ENGLISH);
            assert_eq!(found.code(), code, "{text}");
        }
    }

    #[test]
    fn a_few_sentences_are_told_where_both_detectors_agree_on_their_words() {
        // whatlang finds Spanish in each but is sure of neither pair; the
        // default was taken, either way.
        let spanish = [
            "Reviso las observaciones y le confirmo que la interventoría aprobó los diseños \
             del puente peatonal con dos ajustes menores en las barandas.",
            "Doctora Ana, le solicito confirmar si los diseños del puente ya fueron aprobados \
             por la interventoría, pues el contratista necesita iniciar la obra antes de la \
             temporada de lluvias.",
            "Cordialmente,",
            "Luis",
        ];
        let spanish_default = Language::from_code("es").unwrap();
        for paragraphs in [&spanish[..2], &spanish[1..]] {
            let found = of_document(None, paragraphs.iter().copied(), Language::ENGLISH);
            assert_eq!(found, spanish_default, "{paragraphs:?}");
        }
        let english = [
            "Orinoco",
            "River in Venezuela and Colombia.",
            "The Orinoco is one of the longest rivers in South America at 2,140 km (1,330 mi). \
             Its drainage basin, sometimes known as the Orinoquia, covers approximately \
             1,000,000 km2 (390,000 sq mi), with 65% of it in Venezuela and 35% in Colombia. \
             It is the third largest river in the world by discharge volume of water due to \
             the high precipitation throughout its catchment area.",
        ];
        assert_eq!(
            of_document(None, english.into_iter(), spanish_default),
            Language::ENGLISH
        );
        // A reference page's sentences name identifiers; its prototypes
        // are no sentences (both detectors read C as French).
        let reference = [
            "SPI_getargcount",
            "SPI_getargcount — return the number of arguments needed by a statement",
            "int SPI_getargcount(SPIPlanPtr plan)",
            "SPI_getargcount returns the number of arguments needed to execute a statement \
             prepared by SPI_prepare.",
        ];
        assert_eq!(
            of_document(None, reference.into_iter(), spanish_default),
            Language::ENGLISH
        );
        let prototypes = [
            "dma_addr_t dma_map_page(struct device *dev, struct page *page, unsigned long \
             offset, size_t size, enum dma_data_direction direction);",
            "void dma_unmap_page(struct device *dev, dma_addr_t dma_address, size_t size, \
             enum dma_data_direction direction);",
        ];
        assert_eq!(
            of_document(None, prototypes.into_iter(), spanish_default),
            spanish_default
        );
        // A table of names flattened into one paragraph is no sentence,
        // even ending with one's full stop.
        let annex = [
            "Annex 3",
            "Population by department",
            "Antioquia 6.407.102 63.612 Atlántico 2.722.128 3.388 Bogotá D.C. 7.907.281 1.605 \
             Bolívar 2.180.976 26.719 Boyacá 1.242.731 23.189 Caldas 1.018.453 7.888 Sucre \
             949.252 10.670 Total.",
            "Source: DANE projections for 2023.",
        ];
        assert_eq!(
            of_document(None, annex.into_iter(), Language::ENGLISH),
            Language::ENGLISH
        );
        assert!(!mostly_uncapitalised(
            "Antioquia Atlántico Bogotá D.C. Bolívar de Total."
        ));
        assert!(mostly_uncapitalised(
            "The city spans sq mi) with sq mi) of urban area."
        ));
        // A lead of figures ending with a note's mark, as Wikipedia's text
        // and a PDF's keep them.
        let lead = "Santiago de Cali is the capital of Valle del Cauca, with 2,280,522 residents \
                    in 2023. The city spans 560.3 km2 (216.3 sq mi) and 120.9 km2 (46.7 sq mi) of \
                    urban area.";
        for marked in ["", "[4]", "12", " (DANE, 2023)"] {
            let paragraphs = ["Cali", &format!("{lead}{marked}")];
            let found = of_document(None, paragraphs.into_iter(), spanish_default);
            assert_eq!(found, Language::ENGLISH, "{marked:?}");
        }
    }

    #[test]
    fn a_brief_of_one_sentence_is_told_where_both_detectors_agree() {
        // whatlang reads this one as Portuguese, the screen as Spanish: the default.
        let disputed = "Ya no tengo visa. No me importa. No necesito visa porque no solo soy \
                        colombiano sino europeo, escribió Petro en X.";
        assert_eq!(
            of_document(None, [disputed].into_iter(), Language::ENGLISH),
            Language::ENGLISH
        );
        let spanish = [
            "El gobernador de Antioquia rechazó la propuesta de paz urbana del Gobierno nacional.",
            "No vamos a permitir que los violentos se tomen el territorio, dijo el ministro de Defensa.",
        ];
        for brief in spanish {
            let found = of_document(None, [brief].into_iter(), Language::ENGLISH);
            assert_eq!(found.code(), "es", "{brief}");
        }
        let english = "Colombia's central bank held its benchmark interest rate at 9.25% on \
                       Tuesday in a split decision.";
        let spanish_default = Language::from_code("es").unwrap();
        assert_eq!(
            of_document(None, [english].into_iter(), spanish_default),
            Language::ENGLISH
        );
        // Its one sentence reads as Italian to both, but its lead, full of
        // figures, reads as English without them.
        let article = [
            "Cali",
            "District and city in Valle del Cauca, Colombia.",
            "Santiago de Cali, or Cali, is the capital of the Valle del Cauca department, with \
             an estimated 2,280,522 residents in 2023. The city spans 560.3 km2 (216.3 sq mi) \
             with 120.9 km2 (46.7 sq mi) of urban area.",
        ];
        assert_eq!(
            of_document(None, article.into_iter(), Language::ENGLISH),
            Language::ENGLISH
        );
        // Names read as their own language to both detectors.
        for english in [
            "Angela Merkel met Olaf Scholz and Frank-Walter Steinmeier in Berlin on Tuesday.",
            "Luiz Inácio Lula da Silva visited São Paulo and Rio de Janeiro with Fernando Haddad.",
            "Emmanuel Macron et Élisabeth Borne visited the Musée du Louvre in Paris yesterday.",
        ] {
            let found = of_document(None, [english].into_iter(), Language::ENGLISH);
            assert_eq!(found, Language::ENGLISH, "{english}");
        }
        // Too short to read as a sentence: the default.
        let headline = ["Petro revoca la visa"];
        assert_eq!(
            of_document(None, headline.into_iter(), Language::ENGLISH),
            Language::ENGLISH
        );
    }
}
