//! E-mail: one message (`.eml`), or a mailbox of them (`.mbox`); and a
//! web page saved whole as a MIME message (`.mht`, `.mhtml`).
//!
//! mail-parser does the MIME work: headers (RFC 2047 encoded words, RFC 2231
//! parameters), multipart structure, transfer encodings and charsets. This
//! module chooses what of a message is its text and what its attachments;
//! [`super::html`] and [`super::text`] then read the body as any other file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{
    Encoding, HeaderName, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType,
};

use super::{
    Block, Metadata, Paragraph, ParagraphKind, Refusal, SkipReason, dates, decode, html, text,
};
use crate::date::Date;
use crate::error;

/// A message read: its metadata (`Subject` the title, `Date` the date,
/// `From` the author), the blocks of its body, and its attachments.
#[derive(Debug, Clone)]
pub struct Message {
    /// Title, date, author, language.
    pub meta: Metadata,
    /// The body: the plain-text alternative, else the HTML one.
    pub blocks: Vec<Block>,
    /// Attachments, in order; a forwarded message is one, named `*.eml`.
    pub attachments: Vec<Attachment>,
    /// What was read otherwise than the message says, for a warning.
    pub notes: Vec<String>,
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Its file name, as the message gives it.
    pub name: String,
    /// Its bytes, transfer encoding undone.
    pub bytes: Vec<u8>,
}

/// A parsed message that is dropped without recursion. mail-parser keeps a
/// forwarded message inside the part that holds it, however deep, and
/// dropping 40,000 nested levels (a 1.8 MB file) overflowed the stack and
/// aborted the whole `cita index`.
struct FlatDrop<'x>(mail_parser::Message<'x>);

impl<'x> std::ops::Deref for FlatDrop<'x> {
    type Target = mail_parser::Message<'x>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for FlatDrop<'_> {
    fn drop(&mut self) {
        // Each message is dropped once its nested ones are taken out.
        let mut nested = Vec::new();
        take_nested(&mut self.0, &mut nested);
        while let Some(mut message) = nested.pop() {
            take_nested(&mut message, &mut nested);
        }
    }
}

/// Moves the messages nested in `message`'s parts to `into`.
fn take_nested<'x>(
    message: &mut mail_parser::Message<'x>,
    into: &mut Vec<mail_parser::Message<'x>>,
) {
    for part in &mut message.parts {
        if let PartType::Message(_) = part.body
            && let PartType::Message(inner) = std::mem::take(&mut part.body)
        {
            into.push(inner);
        }
    }
}

/// mail-parser's own parsers for the MIME fields and the fields cita
/// reads, raw text for every other field, `Date` among them. Its date
/// parser takes an obsolete one- or two-letter zone (`UT`, `Z`, military
/// `A`…`Z`) as three bytes and reads on past the line's end: the next
/// field, or the blank line before the body and the body with it, became
/// part of the date and was lost. A raw field ends where its line does;
/// [`dates::parse_mail_date`] reads the date from it.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .header_text(HeaderName::Subject)
        .header_address(HeaderName::From)
        .header_comma_separated(HeaderName::ContentLanguage)
        .default_header_raw()
});

/// The MIME message in `bytes`, or why it is none (`not_one` says what it
/// is not).
fn parse<'x>(bytes: &'x [u8], not_one: &str) -> Result<FlatDrop<'x>, Refusal> {
    let refused = || (SkipReason::Malformed, not_one.to_string());
    // mail-parser panics on some malformed multiparts ("Invalid part ID":
    // `fuzz/regressions/email/mail-parser-part-id-panic.eml`).
    let message = match error::catching(|| PARSER.parse(bytes)) {
        Ok(parsed) => FlatDrop(parsed.ok_or_else(refused)?),
        Err(_) => {
            return Err((
                SkipReason::Malformed,
                "the MIME parser failed on this message".to_string(),
            ));
        }
    };
    // mail-parser reads any text as a message: a line with a colon is a
    // header to it, and a file without one a message without headers. A
    // message has at least one header field of the standards (From, Date,
    // Subject, Received, MIME-Version…).
    let has_mail_header = message
        .root_part()
        .headers()
        .iter()
        .any(|header| !matches!(header.name, HeaderName::Other(_)));
    if !has_mail_header {
        return Err(refused());
    }
    Ok(message)
}

/// A web page saved whole as one MIME message (MHTML, RFC 2557: Internet
/// Explorer's and Word's "Web archive", Chrome's "Save as MHTML"): its
/// first HTML part is the page, read as a saved web page is
/// ([`html::read`]); images, styles and the frames of a page are left out
/// (an advertisement's iframe), but a frameset's text is that of its frame
/// holding the most text outside links (the document, not its menu or
/// banner; not the `<noframes>` notice). The page's
/// metadata is the document's: the message's `Date` is when the page was
/// saved, not published, and its `From` the browser ("Saved by Windows
/// Internet Explorer 8"); its `Subject` is the title only when the page
/// has none. The URL is the page part's `Content-Location`, else the
/// `Snapshot-Content-Location` Chrome writes, unless it names a file on the
/// saving machine (Word's `file:///C:/…/memo.htm`).
pub fn read_web_archive(bytes: &[u8]) -> Result<(Metadata, Vec<Block>, Vec<String>), Refusal> {
    let message = parse(bytes, "not a saved web page (no MIME header fields)")?;
    let raw = message.raw_message();
    let mut pages = message.parts.iter().filter(|part| is_html(part));
    let Some(page) = pages.next() else {
        return Err((
            SkipReason::Malformed,
            "a saved web page without an HTML part".to_string(),
        ));
    };
    let page_text = part_text(raw, page);
    let (mut meta, mut blocks, notes) = html::read(&page_text);
    if html::is_frameset(&page_text) {
        // The frame with the most text outside links, else (every frame a
        // list of links) the one with the most text read.
        let frames: Vec<(usize, Vec<Block>)> = pages
            .map(|frame| {
                let frame = part_text(raw, frame);
                (html::prose_bytes(&frame), html::read(&frame).1)
            })
            .collect();
        let read_bytes = |blocks: &[Block]| -> usize {
            blocks
                .iter()
                .map(|block| match block {
                    Block::Paragraph(paragraph) => paragraph.text.len(),
                    Block::Heading(_) | Block::SectionEnd => 0,
                })
                .sum()
        };
        if let Some((_, frame)) = frames
            .into_iter()
            .filter(|(_, frame)| read_bytes(frame) > 0)
            .max_by_key(|(prose, frame)| (*prose, read_bytes(frame)))
        {
            blocks = frame;
        }
    }
    meta.url = meta.url.or_else(|| {
        raw_field(page, "Content-Location")
            .or_else(|| raw_field(message.root_part(), "Snapshot-Content-Location"))
            .filter(|url| {
                !url.get(..5)
                    .is_some_and(|scheme| scheme.eq_ignore_ascii_case("file:"))
            })
    });
    meta.title = meta.title.or_else(|| {
        message
            .subject()
            .map(str::trim)
            .filter(|subject| !subject.is_empty())
            .map(str::to_string)
    });
    Ok((meta, blocks, notes))
}

/// A header field of `part` kept raw ([`PARSER`]), trimmed, if not empty.
fn raw_field(part: &MessagePart<'_>, name: &str) -> Option<String> {
    part.headers()
        .iter()
        .find(|header| header.name.as_str().eq_ignore_ascii_case(name))
        .and_then(|header| header.value.as_text())
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// Reads one message, or says why it cannot be read.
///
/// The date is the day the `Date` header gives, in the sender's own time
/// zone (the day written on the message); a `Date` cita cannot read is a
/// note, so that the date inferred from the text in its place is not taken
/// for the sender's. The body is every inline text
/// part; of a `multipart/alternative`, only the plain text is read, or the
/// HTML when there is no plain text (or it is empty, or a placeholder of
/// fewer than 50 words beside an HTML of over four times as many), never
/// both, so that a paragraph is one passage and not two.
pub fn read_message(bytes: &[u8]) -> Result<Message, Refusal> {
    let message = parse(
        bytes,
        "not an e-mail message (no e-mail header fields such as From, Date or Subject)",
    )?;
    let raw = message.raw_message();

    let title = message
        .subject()
        .map(
            |subject| match subject.contains(char::REPLACEMENT_CHARACTER) {
                true => raw_header_text(&message, raw, &HeaderName::Subject)
                    .unwrap_or_else(|| subject.to_string()),
                false => subject.to_string(),
            },
        )
        .map(|subject| subject.trim().to_string())
        .filter(|subject| !subject.is_empty());
    let mut notes = Vec::new();
    let written_date = message
        .header(HeaderName::Date)
        .and_then(HeaderValue::as_text)
        .map(str::trim)
        .filter(|written| !written.is_empty());
    let date = written_date.and_then(|written| {
        let date = dates::parse_mail_date(written);
        if date.is_none() {
            notes.push(format!(
                "its Date header {written:?} is not a date cita reads; ignored"
            ));
        }
        date
    });
    let author = message
        .from()
        .and_then(|from| from.first())
        .and_then(|addr| {
            // Outlook encodes a name's quotes with it (`=?…?Q?=22G=F3mez=2C_Luis=22?=`):
            // decoded, they would be part of the name.
            let name = addr
                .name()
                .map(|name| {
                    let name = name.trim();
                    (name
                        .strip_prefix('"')
                        .and_then(|name| name.strip_suffix('"')))
                    .unwrap_or(name)
                    .trim()
                })
                .filter(|name| !name.is_empty());
            let address = addr
                .address()
                .map(str::trim)
                .filter(|address| !address.is_empty());
            match (name, address) {
                (Some(name), Some(address)) => Some(format!("{name} <{address}>")),
                (name, address) => name.or(address).map(str::to_string),
            }
        });
    let language = match message.root_part().content_language() {
        HeaderValue::Text(language) => Some(language.as_ref()),
        HeaderValue::TextList(languages) => languages.first().map(AsRef::as_ref),
        _ => None,
    }
    .map(str::trim)
    .filter(|language| !language.is_empty())
    .map(str::to_string);

    // mail-parser lists in `text_body` the plain text of each alternative,
    // or its HTML when it has no plain text (`body_text` would then convert
    // that HTML to text itself; here html::read reads it, headings and
    // all). `html_body` is the same with the HTML preferred.
    let mut blocks = body_blocks(raw, message.text_bodies(), &mut notes);
    let placeholder =
        message.text_body != message.html_body && word_count(&blocks) < PLACEHOLDER_WORDS;
    if blocks.is_empty() || placeholder {
        let html = body_blocks(raw, message.html_bodies(), &mut notes);
        if blocks.is_empty() || word_count(&html) > 4 * word_count(&blocks) {
            blocks = html;
        }
    }
    // A text part mail-parser could not place (a multipart cut short, as
    // in a truncated mailbox) is among its attachments: with no other
    // text, it is the body, rather than the message having none.
    if blocks.is_empty() {
        let unplaced = message.attachments().filter(|part| {
            part.attachment_name().is_none()
                && part.content_type().is_none_or(|content_type| {
                    content_type.ctype().eq_ignore_ascii_case("text")
                        && content_type.subtype().is_none_or(|subtype| {
                            subtype.eq_ignore_ascii_case("plain")
                                || subtype.eq_ignore_ascii_case("html")
                        })
                })
        });
        blocks = body_blocks(raw, unplaced, &mut notes);
    }
    // A multipart whose boundary is missing, or that none of its lines
    // uses, is one part to mail-parser, boundary lines and the parts'
    // header fields and all: its text is read without those rather than
    // the message having none.
    if blocks.is_empty() {
        for part in message
            .parts
            .iter()
            .filter(|part| is_unsplit_multipart(part))
        {
            let body = raw.get(part.raw_body_offset() as usize..part.raw_end_offset() as usize);
            blocks.extend(unsplit_multipart_blocks(body.unwrap_or_default()));
        }
        if !blocks.is_empty() {
            notes.push(
                "its multipart body has no boundary that its lines use; its text is read as found"
                    .to_string(),
            );
        }
    }

    let attachments = message
        .attachments()
        .filter_map(|part| attachment(raw, part))
        .collect();
    Ok(Message {
        meta: Metadata {
            title,
            publication: None,
            url: None,
            date,
            author,
            language,
            date_made: false,
        },
        blocks,
        attachments,
        notes,
    })
}

/// A plain-text alternative shorter than this many words may be a
/// placeholder for its HTML ("Your mail reader does not display HTML;
/// view this message online"): the HTML is read in its place when it holds
/// more than four times its words. Longer plain texts are their mailer's
/// rendering of the HTML, and reading the HTML too would cost every mail.
const PLACEHOLDER_WORDS: usize = 50;

/// The words of `blocks`' paragraphs, as whitespace parts them.
fn word_count(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(Paragraph { text, .. }) => text.split_whitespace().count(),
            // A quotation's attribution, a section of its paragraphs, is
            // also a paragraph of the reply: counted once.
            Block::Heading(_) | Block::SectionEnd => 0,
        })
        .sum()
}

/// A part declared `multipart/*` that mail-parser could not split.
fn is_unsplit_multipart(part: &MessagePart<'_>) -> bool {
    !matches!(part.body, PartType::Multipart(_))
        && part
            .content_type()
            .is_some_and(|content_type| content_type.ctype().eq_ignore_ascii_case("multipart"))
}

/// The blocks of the text parts of a multipart body mail-parser could not
/// split, told by their boundary lines and their header fields: base64 and
/// quoted-printable undone, parts declared other than text or attached
/// left out. A boundary line is `--` and a token, whatever the declared
/// boundary, that comes back (as `--token` or `--token--`): a ruler
/// (`---`, `----------`) or a signature mark is text. A body without
/// boundary lines is read whole, as plain text.
fn unsplit_multipart_blocks(body: &[u8]) -> Vec<Block> {
    let lines: Vec<&[u8]> = body
        .split(|&byte| byte == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect();
    let token = |line: &[u8]| -> Option<Vec<u8>> {
        let token = line.strip_prefix(b"--")?;
        let token = token.strip_suffix(b"--").unwrap_or(token);
        let plausible = !token.is_empty()
            && token.iter().any(|&b| b != b'-')
            && !token.iter().any(u8::is_ascii_whitespace);
        plausible.then(|| token.to_vec())
    };
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    for token in lines.iter().filter_map(|line| token(line)) {
        *seen.entry(token).or_default() += 1;
    }
    let is_boundary = |line: &[u8]| token(line).is_some_and(|token| seen[&token] > 1);
    // Bytes no encoding decodes are read as UTF-8, rather than lost.
    let blocks_of = |bytes: &[u8], html: bool| {
        let text = decoded(bytes, html).unwrap_or_else(|| String::from_utf8_lossy(bytes).into());
        text_blocks(&text, html)
    };
    if !lines.iter().any(|line| is_boundary(line)) {
        return blocks_of(body, false);
    }
    // The preamble, before the first boundary, is for mail readers that
    // read no MIME ("This is a multi-part message").
    let mut blocks = Vec::new();
    for part in lines.split(|line| is_boundary(line)).skip(1) {
        let (fields, part_body) = part_fields(part);
        let field = |name: &str| {
            fields
                .iter()
                .find(|(field, _)| field.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.to_ascii_lowercase())
        };
        let kind = field("content-type");
        let text_type = kind.as_ref().is_none_or(|kind| kind.starts_with("text/"));
        let attached =
            field("content-disposition").is_some_and(|kind| kind.starts_with("attachment"));
        if !text_type || attached {
            continue;
        }
        let joined = part_body.join(&b'\n');
        let unencoded = match field("content-transfer-encoding").as_deref().map(str::trim) {
            Some("base64") => base64_decode(&joined),
            Some("quoted-printable") => quoted_printable_decode(&joined),
            _ => Some(joined),
        };
        let Some(bytes) = unencoded else { continue };
        let html = kind.is_some_and(|kind| kind.starts_with("text/html"));
        blocks.extend(blocks_of(&bytes, html));
    }
    blocks
}

/// A part's header fields (name and value, folded lines joined) and the
/// lines after them. A part that opens with a line that is no field has
/// none.
fn part_fields<'a>(lines: &'a [&'a [u8]]) -> (Vec<(String, String)>, &'a [&'a [u8]]) {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if line.is_empty() {
            return (fields, &lines[at + 1..]);
        }
        let text = String::from_utf8_lossy(line);
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            match fields.last_mut() {
                Some((_, value)) => value.push_str(&text),
                None => return (fields, &lines[at..]),
            }
        } else if header_field_name(line).is_some() {
            let (name, value) = text.split_once(':').expect("a field has a colon");
            fields.push((name.to_string(), value.trim().to_string()));
        } else {
            return (fields, &lines[at..]);
        }
    }
    (fields, &[])
}

/// What a message's warning says of a text part holding binary data.
const BINARY_PART: &str = "a text part of its body holds binary data, not text; left out";

/// The blocks of the body parts `parts`, in order: plain text through
/// [`text::blocks`], HTML through [`html_body_blocks`]; other parts (an inline
/// image among the body parts) are attachments, not text. A part holding
/// binary data is left out, noted in `notes`.
fn body_blocks<'a>(
    raw: &[u8],
    parts: impl Iterator<Item = &'a MessagePart<'a>>,
    notes: &mut Vec<String>,
) -> Vec<Block> {
    let mut blocks = Vec::new();
    for part in parts.filter(|part| part.is_text()) {
        let text = part_text(raw, part);
        // A part declared text that holds binary data (or bytes its
        // transfer encoding does not decode) is no text to index.
        if decode::is_binary_text(&text) {
            let note = BINARY_PART.to_string();
            if !notes.contains(&note) {
                notes.push(note);
            }
            continue;
        }
        let html = is_html(part);
        let text = match flowed(part) {
            Some(delete_space) if !html => Cow::Owned(unflowed(&text, delete_space)),
            _ => text,
        };
        match html {
            true => blocks.extend(html_body_blocks(&text)),
            false => blocks.extend(quoted_blocks(&text)),
        }
    }
    blocks
}

/// Whether a text part is `format=flowed` (RFC 3676), and if so whether
/// its soft breaks delete their space (`delsp=yes`, as Apple Mail writes).
fn flowed(part: &MessagePart<'_>) -> Option<bool> {
    let content_type = part.content_type()?;
    let is = |name: &str, value: &str| {
        content_type
            .attribute(name)
            .is_some_and(|found| found.trim().eq_ignore_ascii_case(value))
    };
    is("format", "flowed").then(|| is("delsp", "yes"))
}

/// The lines of a `format=flowed` text joined where the mailer wrapped
/// them (RFC 3676): a line ending in a space continues on the next one of
/// the same quote depth; with `delete_space` (`delsp=yes`) that space was
/// added by the wrapping and goes ("sev" + "eral" is "several", not
/// "sev eral"). Space-stuffing is undone; each joined line keeps its quote
/// markers once; the signature separator (`-- `) is a line of its own.
fn unflowed(text: &str, delete_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // The joined line so far, and its quote depth.
    let mut open: Option<(usize, String)> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&byte| byte == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let soft = content.ends_with(' ') && content != "-- ";
        // A quote depth that changes ends the line open (a wrap error), and
        // so do an empty line and the signature separator: a paragraph's
        // last line wrapped with a space keeps its break from the next.
        let ends_open = content.is_empty() || content == "-- ";
        let mut joined = match open.take() {
            Some((open_depth, joined)) if open_depth == depth && !ends_open => joined,
            Some((open_depth, joined)) => {
                push_line(&mut out, open_depth, &joined);
                String::new()
            }
            None => String::new(),
        };
        if soft {
            let kept = if delete_space {
                &content[..content.len() - 1]
            } else {
                content
            };
            joined.push_str(kept);
            open = Some((depth, joined));
        } else {
            joined.push_str(content);
            push_line(&mut out, depth, &joined);
        }
    }
    if let Some((depth, joined)) = open {
        push_line(&mut out, depth, &joined);
    }
    out
}

/// A plain-text body's blocks, its quotation as paragraphs of their own
/// ([`quote_runs`]), each under what attributes it as its section: the
/// line that introduces it (`On Mon, 5 May 2024, Ana wrote:`, `El lun,
/// Ana escribió:`), or the sender and date of the header block Outlook
/// sets above the message it quotes. A quoted paragraph is then cited as
/// the words of whom the reply quotes, not the replier's, whose own text
/// lies under no section. A quotation the reply answers piece by piece
/// keeps its attribution through the answers.
fn quoted_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // The attribution of each quote depth (index: depth - 1), the reply's
    // own last heading, and the section the last block put the paragraphs
    // under.
    let mut attributions: Vec<Option<String>> = Vec::new();
    let mut own: Option<String> = None;
    let mut section: Option<String> = None;
    let mut previous: Option<QuoteRun> = None;
    for run in quote_runs(text) {
        let depth = run.depth;
        if depth > 0 {
            // What the run before says of this quotation: whose it is, that
            // the reply introduces it itself (`la ministra dijo:`), or nothing.
            let introducing = previous.as_ref().filter(|last| last.depth + 1 == depth);
            let introduced = match (&run.attribution, introducing) {
                (Some(attribution), _) => Some(Some(attribution.clone())),
                (None, Some(last)) => match attribution(&last.text) {
                    Some(attribution) => Some(Some(attribution)),
                    None if ends_with_colon(&last.text) => Some(None),
                    None => None,
                },
                (None, None) => None,
            };
            if attributions.len() < depth {
                attributions.resize(depth, None);
            }
            // A new quotation at this depth: the deeper ones were another's.
            if let Some(introduced) = introduced {
                attributions[depth - 1] = introduced;
                attributions.truncate(depth);
            }
        }
        let under = match depth.checked_sub(1) {
            Some(level) => attributions.get(level).cloned().flatten(),
            None => own.clone(),
        };
        if under != section {
            blocks.push(under.clone().map_or(Block::SectionEnd, Block::Heading));
            section = under;
        }
        let read = text::blocks(&run.text, None);
        let heading = read.iter().rev().find_map(|block| match block {
            Block::Heading(heading) => Some(heading.clone()),
            _ => None,
        });
        if heading.is_some() {
            section.clone_from(&heading);
            if depth == 0 {
                own = heading;
            }
        }
        blocks.extend(read);
        previous = Some(run);
    }
    blocks
}

/// Whether a run of lines ends with a line ending with a colon.
fn ends_with_colon(lines: &str) -> bool {
    lines.trim_end().ends_with([':', '：'])
}

/// The attribution line a run of lines ends with, which introduces the
/// quotation after it: its last line ending with a colon and naming an
/// address, a date or the verb of one (`wrote`, `escribió`), with the
/// line before when the mailer wrapped it there (`…Ana Gómez <` and
/// `ana@example.org> wrote:`), at most 300 characters. A reply's own line
/// ending in a colon (`about that, I would add:`) attributes nothing.
fn attribution(lines: &str) -> Option<String> {
    let mut lines = lines
        .lines()
        .rev()
        .map(str::trim)
        .skip_while(|line| line.is_empty());
    let last = lines.next()?;
    if !last.ends_with([':', '：']) {
        return None;
    }
    // Wrapped: the line before breaks off (`<`, `,`) or the last goes on
    // from it (`ana@example.org> wrote:`), not a signature above it.
    let wrapped = lines.next().filter(|before| {
        before.ends_with(['<', ',', '('])
            || last.starts_with(|c: char| c.is_lowercase() || "<([".contains(c))
    });
    let line = match wrapped {
        // An address cut after its `<` is one word again.
        Some(before) if before.ends_with('<') => format!("{before}{last}"),
        Some(before) => format!("{before} {last}"),
        None => last.to_string(),
    };
    (attributes(&line) && line.chars().count() <= 300).then_some(line)
}

/// Whether a line ending with a colon attributes what follows: it names an
/// address, a date or a time (`2024`, `5/5/25`, `10:00`), or a mailer's
/// verb as a word (`wrote`, `escribió`, `a écrit`; not the `escribe` of
/// `describe`).
fn attributes(line: &str) -> bool {
    static DATED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(1[89]|20)\d\d\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}:\d\d\b")
            .expect("the date pattern compiles")
    });
    static VERB: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(wrote|writes|escribió|escribio|escribe|a écrit|schrieb|scrisse|ha scritto|escreveu|schreef|skrev|napisał)\b")
            .expect("the verb pattern compiles")
    });
    line.contains('@') || DATED.is_match(line) || VERB.is_match(line)
}

/// Lines of one quote depth in a reply's text, and what attributes them
/// when they open a quotation of their own (an Outlook header block's
/// sender and date).
struct QuoteRun {
    depth: usize,
    text: String,
    attribution: Option<String>,
}

/// A reply's text as runs of lines of one quote depth each (0: the
/// reply's own), their quote markers gone: each line's markers (`>`,
/// `>>`, `> >`, followed by a space, a letter or nothing: `>50%` and `>=`
/// are text) are removed. The header block Outlook sets above the message
/// a reply quotes, unmarked ([`outlook_header`]), quotes what follows it
/// one level deeper, down to a line with fewer `>` than its own. A quoted paragraph then
/// reads as the paragraph it quotes, a copy collapsed with it, rather than
/// run into the reply and credited to it alone.
fn quote_runs(text: &str) -> Vec<QuoteRun> {
    let lines: Vec<(usize, &str)> = text.split('\n').map(quote_markers).collect();
    let mut runs: Vec<QuoteRun> = Vec::new();
    // The markers of the lines each header block met stands among (it
    // quotes the lines of as many markers or more below it, until a line
    // of fewer), and the lines left of the block being read.
    let mut headers: Vec<usize> = Vec::new();
    let mut in_header = 0usize;
    for (at, &(markers, rest)) in lines.iter().enumerate() {
        let blank = rest.trim().is_empty();
        if !blank {
            headers.retain(|&level| level <= markers);
        }
        let header = match in_header {
            0 if !blank => outlook_header(&lines[at..]),
            _ => None,
        };
        in_header = in_header.saturating_sub(1);
        if let Some((_, length)) = &header {
            headers.push(markers);
            in_header = length - 1;
        }
        let depth = (markers + headers.len()).min(MAX_QUOTE_DEPTH);
        match runs.last_mut() {
            // A blank line parts paragraphs, not quotations.
            Some(run) if (run.depth == depth || blank) && header.is_none() => {
                run.text.push_str(rest);
            }
            _ => runs.push(QuoteRun {
                depth,
                text: rest.to_string(),
                attribution: header.map(|(attribution, _)| attribution),
            }),
        }
        if let Some(run) = runs.last_mut() {
            run.text.push('\n');
        }
    }
    runs
}

/// Quotations nested deeper than this are read as at this depth: no
/// thread runs so deep, and a line of millions of `>` would otherwise
/// hold an attribution per level.
const MAX_QUOTE_DEPTH: usize = 64;

/// A line's quote depth and its text without the markers.
fn quote_markers(line: &str) -> (usize, &str) {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (mut depth, mut rest) = (0, line);
    while let Some(after) = rest.strip_prefix('>') {
        depth += 1;
        rest = after.strip_prefix(' ').unwrap_or(after);
    }
    let quotes =
        rest.len() < line.len() - depth || rest.chars().next().is_none_or(char::is_alphabetic);
    if quotes { (depth, rest) } else { (0, line) }
}

/// The labels of a header block's sender field, in Outlook's languages.
const SENDERS: &[&str] = &["from", "de", "von", "da", "van", "från", "fra"];

/// The labels of Outlook's field saying when the message was sent.
const SENT: &[&str] = &[
    "sent",
    "enviado el",
    "enviado",
    "enviada em",
    "gesendet",
    "envoyé",
    "date d'envoi",
    "inviato",
    "verzonden",
    "skickat",
    "sendt",
];

/// The labels of a date field, which opens a header block after a sender
/// naming an address.
const DATED: &[&str] = &["date", "fecha", "data", "datum"];

/// The blocks of an HTML body, read as a web page is, an Outlook header
/// block above the message it quotes (its fields one paragraph, lines
/// broken by `<br>`) heading that message, as in a plain-text body.
fn html_body_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for block in html::read(text).1 {
        if let Block::Paragraph(paragraph) = &block
            && paragraph.kind == ParagraphKind::Prose
            && let Some(attribution) = outlook_fields(&paragraph.text)
        {
            blocks.push(Block::Heading(attribution));
        }
        blocks.push(block);
    }
    blocks
}

/// The labels of a header block's other fields, which part a block read
/// as one line into its fields.
const OTHER_FIELDS: &[&str] = &[
    "to",
    "para",
    "an",
    "à",
    "a",
    "aan",
    "till",
    "til",
    "cc",
    "cco",
    "bcc",
    "subject",
    "asunto",
    "objet",
    "betreff",
    "assunto",
    "oggetto",
    "onderwerp",
    "ämne",
    "emne",
];

/// The attribution of an Outlook header block read as one line (`De: Ana
/// <ana@example.org> Enviado el: lunes, 5 de mayo de 2025 10:00 Para:
/// Luis Asunto: Tratado`), as [`outlook_header`] gives it from the block's
/// lines: the line parted before each field's label.
fn outlook_fields(line: &str) -> Option<String> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        let labels = [SENDERS, SENT, DATED, OTHER_FIELDS].concat().join("|");
        Regex::new(&format!(r"(?i)\s(\*?(?:{labels})\s?:)")).expect("the label pattern compiles")
    });
    let mut lines = Vec::new();
    let mut start = 0;
    for label in LABEL.captures_iter(line).filter_map(|found| found.get(1)) {
        lines.push((start, line[start..label.start()].trim()));
        start = label.start();
    }
    lines.push((start, line[start..].trim()));
    outlook_header(&lines).map(|(attribution, _)| attribution)
}

/// Whether `lines` open with the header block Outlook (or a mailer
/// forwarding a message) sets above the message it quotes: its sender and
/// date as the attribution (`From: Ana Gómez; Sent: Monday, May 5, 2024`),
/// and how many lines the block's opening takes. The block opens with a
/// separator (`-----Original Message-----`, `-------- Forwarded Message
/// --------`, Outlook's rule of underscores), its fields on the next lines
/// (`From:` among them), or with `From:` and Outlook's `Sent:` on the next
/// line (`De:` and `Enviado el:`…); a `From:` naming an address and a
/// `Date:` after it open one too, but not a memo's `De: Dirección de
/// Planeación` and `Fecha:` pasted into a body. Gmail's quoting of
/// Outlook's bold labels (`*From:*`) reads as the labels.
fn outlook_header(lines: &[(usize, &str)]) -> Option<(String, usize)> {
    static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(-{2,}\s*(original message|mensaje original|message d'origine|ursprüngliche nachricht|mensagem original|messaggio originale|forwarded message|mensaje reenviado)\s*-{2,}|_{10,})$")
            .expect("the separator pattern compiles")
    });
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\*?([\p{L} ']{1,20}?)\s?:\*?\s*\S").expect("the field pattern compiles")
    });
    let line = |at: usize| lines.get(at).map(|(_, text)| text.trim());
    let label = |text: &str| {
        FIELD
            .captures(text)
            .map(|field| field[1].trim().to_lowercase())
    };
    let is = |text: &str, labels: &[&str]| {
        label(text).is_some_and(|found| labels.contains(&found.as_str()))
    };
    let first = line(0)?;
    if SEPARATOR.is_match(first) {
        // Its fields: a sender and a date among the next lines.
        let fields: Vec<&str> = (1..=6)
            .map_while(|at| line(at).filter(|text| label(text).is_some()))
            .collect();
        let sender = fields.iter().find(|text| is(text, SENDERS));
        let sent = fields.iter().find(|text| is(text, SENT) || is(text, DATED));
        let attribution = match (sender, sent) {
            (Some(sender), Some(sent)) => fields_named(sender, sent),
            (Some(sender), None) => sender.to_string(),
            // A rule of underscores alone is a writer's own, above a
            // signature or a disclaimer.
            _ if first.starts_with('_') => return None,
            _ => first.trim_matches('-').trim().to_string(),
        };
        return Some((attribution, 1 + fields.len()));
    }
    let sent = line(1)?;
    let addressed = first.contains('@') || first.contains("mailto:");
    (is(first, SENDERS) && (is(sent, SENT) || (addressed && is(sent, DATED))))
        .then(|| (fields_named(first, sent), 2))
}

/// A header block's sender and date fields as one attribution, without
/// the bold marks of Gmail's quoting (`*From:*`).
fn fields_named(sender: &str, sent: &str) -> String {
    format!("{sender}; {sent}").replace('*', "")
}

/// Writes one line of unflowed text, with its quote markers.
fn push_line(out: &mut String, depth: usize, line: &str) {
    if depth > 0 {
        out.push_str(&">".repeat(depth));
        out.push(' ');
    }
    out.push_str(line);
    out.push('\n');
}

/// The blocks of a body's text: HTML through [`html_body_blocks`], plain
/// text through [`text::blocks`].
fn text_blocks(text: &str, html: bool) -> Vec<Block> {
    if html {
        html_body_blocks(text)
    } else {
        text::blocks(text, None)
    }
}

/// `bytes` decoded as a file of their kind is (an HTML part by its
/// `<meta charset>` too), if they decode.
fn decoded(bytes: &[u8], html: bool) -> Option<String> {
    let decoded = if html {
        decode::decode_html(bytes)
    } else {
        decode::decode(bytes)
    };
    decoded.ok().map(|decoded| decoded.text)
}

/// The value of `message`'s header `name` (the last of that name, as
/// mail-parser reads it) decoded from its raw bytes the way a text file
/// is: a header written in 8-bit Latin-1 without RFC 2047 encoding
/// (`Subject: R\xe9sum\xe9`, common in older archives) reads as
/// replacement characters to mail-parser, which takes raw bytes for UTF-8.
/// A header of encoded words (`=?…?=`) is decoded by
/// [`joined_encoded_words`]; `None` when it cannot be.
fn raw_header_text(
    message: &mail_parser::Message<'_>,
    raw: &[u8],
    name: &HeaderName<'_>,
) -> Option<String> {
    let header = message
        .root_part()
        .headers()
        .iter()
        .rev()
        .find(|header| header.name == *name)?;
    let bytes = raw.get(header.offset_start as usize..header.offset_end as usize)?;
    let text = match bytes.windows(2).any(|pair| pair == b"=?") {
        true => joined_encoded_words(bytes)?,
        false => decode::decode(bytes).ok()?.text,
    };
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A header's ASCII text with its RFC 2047 encoded words decoded, the
/// bytes of adjacent words in one charset joined before they are decoded:
/// some mailers split a character's bytes between two words (RFC 2047
/// forbids it; Gmail and Python's `email` read it), which mail-parser
/// decodes word by word into replacement characters. `None` when the
/// header is not ASCII or a word's text does not decode.
fn joined_encoded_words(bytes: &[u8]) -> Option<String> {
    static WORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")
            .expect("the encoded word pattern compiles")
    });
    let text = std::str::from_utf8(bytes)
        .ok()
        .filter(|text| text.is_ascii())?;
    let mut out = String::new();
    // The charset and bytes of the run of adjacent words being read.
    let mut run: Option<(String, Vec<u8>)> = None;
    // UTF-8, and a charset mail-parser does not know, read as UTF-8, as
    // mail-parser reads them.
    let flush = |run: &mut Option<(String, Vec<u8>)>, out: &mut String| {
        if let Some((charset, bytes)) = run.take() {
            match charset_decoder(charset.as_bytes()) {
                Some(decoder) => out.push_str(&decoder(&bytes)),
                None => out.push_str(&String::from_utf8_lossy(&bytes)),
            }
        }
    };
    let mut end = 0;
    for word in WORD.captures_iter(text) {
        let whole = word.get(0)?;
        let between = &text[end..whole.start()];
        // Only white space between two words: it is no text (RFC 2047 §6.2).
        let adjacent = run.is_some() && between.trim().is_empty();
        // A language after `*` (RFC 2231) names no charset.
        let charset = word[1].split('*').next()?.to_ascii_lowercase();
        let decoded = match &word[2] {
            "B" | "b" => base64_decode(word[3].as_bytes())?,
            _ => quoted_printable_decode(word[3].replace('_', " ").as_bytes())?,
        };
        match &mut run {
            Some((same, bytes)) if adjacent && *same == charset => bytes.extend(decoded),
            _ => {
                flush(&mut run, &mut out);
                if !adjacent {
                    out.push_str(between);
                }
                run = Some((charset, decoded));
            }
        }
        end = whole.end();
    }
    flush(&mut run, &mut out);
    out.push_str(&text[end..]);
    Some(out)
}

/// The text of a text part. mail-parser decodes it in the charset its
/// `Content-Type` declares; a part that declares none (or one mail-parser
/// does not know, or that does not fit its bytes) is decoded the way a
/// text file is, by [`decode`]'s detection (and an HTML part's `<meta
/// charset>`), rather than as UTF-8 with replacement characters. As for a
/// web page, bytes that are valid UTF-8 with non-ASCII text are UTF-8
/// whatever the part declares: mailers label UTF-8 `us-ascii` or
/// `iso-8859-1` ("StraÃŸe"), and Latin-1 text almost never reads as UTF-8.
fn part_text<'a>(raw: &[u8], part: &'a MessagePart<'a>) -> Cow<'a, str> {
    let parsed = part.text_contents().unwrap_or_default();
    let declared = part
        .content_type()
        .and_then(|content_type| content_type.attribute("charset"))
        .is_some_and(|charset| charset_decoder(charset.as_bytes()).is_some());
    let fits = declared && !parsed.contains(char::REPLACEMENT_CHARACTER);
    if fits && parsed.is_ascii() {
        return Cow::Borrowed(parsed);
    }
    let Some(bytes) = transfer_decoded(raw, part) else {
        return Cow::Borrowed(parsed);
    };
    let utf8 = !bytes.is_ascii() && std::str::from_utf8(&bytes).is_ok();
    if fits && !utf8 {
        return Cow::Borrowed(parsed);
    }
    decoded(&bytes, is_html(part)).map_or(Cow::Borrowed(parsed), Cow::Owned)
}

/// Whether a text part is HTML: mail-parser keeps an HTML part it could
/// not decode (cut short, say) as plain text, but its type still says.
fn is_html(part: &MessagePart<'_>) -> bool {
    part.is_text_html() || part.is_content_type("text", "html")
}

/// The bytes of a part's body with its transfer encoding undone and
/// nothing else: mail-parser keeps a text part only as text decoded from
/// its charset, so its bytes are decoded again from the raw message.
/// `None` when the part's range or encoding is broken.
fn transfer_decoded<'a>(raw: &'a [u8], part: &MessagePart<'_>) -> Option<Cow<'a, [u8]>> {
    let body = raw.get(part.raw_body_offset() as usize..part.raw_end_offset() as usize)?;
    match part.encoding {
        Encoding::Base64 => base64_decode(body).map(Cow::Owned),
        Encoding::QuotedPrintable => quoted_printable_decode(body).map(Cow::Owned),
        Encoding::None => Some(Cow::Borrowed(body)),
    }
}

/// The attachment a part that is not the body makes: a forwarded message
/// (`message/rfc822`) as `<its subject>.eml`, so that it is read as an
/// e-mail, or a part with a file name. Parts without a name (an unnamed
/// inline image, an alternative not chosen) are not files anyone attached.
///
/// The name is kept as the message gives it, directory part and all
/// (`../notes.txt`): it is only a name, never a path written to, and the
/// caller reads the entry by its extension and matches `--exclude` against
/// its plain components.
fn attachment(raw: &[u8], part: &MessagePart<'_>) -> Option<Attachment> {
    let forwarded = part.is_message()
        || part.content_type().is_some_and(|content_type| {
            content_type.ctype().eq_ignore_ascii_case("message")
                && content_type.subtype().is_some_and(|subtype| {
                    subtype.eq_ignore_ascii_case("rfc822") || subtype.eq_ignore_ascii_case("global")
                })
        });
    if forwarded {
        let subject = part
            .message()
            .and_then(|message| message.subject())
            .map(str::trim)
            .filter(|subject| !subject.is_empty())
            .unwrap_or("message");
        // A nested message's `raw_message` is the whole outer message
        // (mail-parser keeps offsets into it): its own bytes are the part's
        // body, or for a base64 one, its decoded bytes.
        let bytes = match (&part.body, part.encoding) {
            (PartType::Message(message), Encoding::Base64 | Encoding::QuotedPrintable) => {
                message.raw_message().to_vec()
            }
            _ => transfer_decoded(raw, part)?.into_owned(),
        };
        return Some(Attachment {
            name: format!("{subject}.eml"),
            bytes,
        });
    }
    let name = part.attachment_name()?;
    if name.trim().is_empty() {
        return None;
    }
    let bytes = match &part.body {
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => bytes.to_vec(),
        // The file as attached, not mail-parser's text decoded from it:
        // the entry's reader decodes it as it would the file on disk.
        PartType::Text(text) | PartType::Html(text) => {
            transfer_decoded(raw, part).map_or_else(|| text.as_bytes().to_vec(), Cow::into_owned)
        }
        PartType::Message(_) | PartType::Multipart(_) => return None,
    };
    Some(Attachment {
        name: name.to_string(),
        bytes,
    })
}

/// The messages of an mbox mailbox, in order, one at a time.
///
/// A message begins after a From_ line (mboxo, mboxrd, CRLF too), and its
/// `>From ` lines (`>>From `…) lose one `>`. A From_ line is a line
/// `From ` that ends in an asctime date (`is_from_line`), wherever it is;
/// or, since writers vary (RFC 4155 lets them), one that gives the sender
/// alone or with a date of another form (`is_loose_from_line`) when a
/// blank line comes before it, as mbox writers put one, and a message's
/// header block right after it (`heads_a_message`). A file's first line,
/// when it starts with `From `, is a separator whatever follows: no
/// message precedes it. Text before the first From_ line, if there is
/// any, is read as a message too: a single message saved as `.mbox` is
/// then read, and anything else becomes a warning rather than vanishing.
/// Blank messages are no messages.
pub fn mbox_messages(bytes: &[u8]) -> impl Iterator<Item = MboxMessage> + '_ {
    let mut lines = bytes.split_inclusive(|&byte| byte == b'\n').peekable();
    let mut from_line = lines.next_if(|line| line.starts_with(b"From "));
    std::iter::from_fn(move || {
        lines.peek()?;
        let delivered = from_line.take().and_then(from_line_date);
        let mut message = Vec::new();
        // The line before a message's first is its From_ line. A look
        // ahead for a header block stops at the first blank line, and none
        // starts before one: no line is looked ahead at twice.
        let mut after_blank = false;
        while let Some(line) = lines.next() {
            let separates = is_from_line(line)
                || (after_blank && is_loose_from_line(line) && heads_a_message(lines.clone()));
            if separates {
                from_line = Some(line);
                break;
            }
            after_blank = line.trim_ascii().is_empty();
            let quotes = line.iter().take_while(|&&byte| byte == b'>').count();
            let escaped = quotes > 0 && line[quotes..].starts_with(b"From ");
            message.extend_from_slice(if escaped { &line[1..] } else { line });
        }
        Some(MboxMessage {
            delivered,
            bytes: message,
        })
    })
    .filter(|message| !message.bytes.iter().all(u8::is_ascii_whitespace))
}

/// A message of a mailbox.
pub struct MboxMessage {
    /// The day its From_ line gives (when the mailbox received it): what
    /// dates a message that has no `Date` header of its own.
    pub delivered: Option<Date>,
    /// The message, From_ line left out.
    pub bytes: Vec<u8>,
}

/// The day a From_ line gives after its sender (`From ana@example.org Thu
/// Aug 11 09:00:00 +0000 2022`), if it gives one.
fn from_line_date(line: &[u8]) -> Option<Date> {
    let rest = String::from_utf8_lossy(line.strip_prefix(b"From ")?).into_owned();
    let (_, date) = rest.trim().split_once(char::is_whitespace)?;
    dates::parse_mail_date(date.trim())
}

/// Whether `line` is a From_ line, which starts a message in a mailbox:
/// `From `, the sender, and the date in asctime's form, as mutt and
/// Python's `mailbox` write it and mutt checks it: `Wed Jun  5 08:00:00
/// 2019`, seconds optional, a zone before or after the year (Gmail's
/// `+0000 2019`, `MET DST`). The sender may hold spaces (pipermail writes
/// `ana at example.org`), so the date is read from the line's end. A body
/// line that only starts with "From " ("From the desk of the director:")
/// is text.
fn is_from_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = String::from_utf8_lossy(rest);
    let mut words = rest.split_ascii_whitespace().rev().peekable();
    let digits = |word: &str, count: std::ops::RangeInclusive<usize>| {
        count.contains(&word.len()) && word.bytes().all(|byte| byte.is_ascii_digit())
    };
    let is_zone = |word: &&str| {
        let offset = word
            .strip_prefix(['+', '-'])
            .is_some_and(|offset| digits(offset, 4..=4));
        let named = (1..=5).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_alphabetic());
        offset || named
    };
    let is_time = |word: &str| {
        let parts: Vec<&str> = word.split(':').collect();
        (2..=3).contains(&parts.len()) && parts.iter().all(|part| digits(part, 1..=2))
    };
    let is_month = |word: &str| {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        MONTHS.iter().any(|month| month.eq_ignore_ascii_case(word))
    };
    words.next_if(is_zone);
    if !words.next().is_some_and(|year| digits(year, 4..=4)) {
        return false;
    }
    words.next_if(is_zone);
    words.next_if(is_zone);
    words.next().is_some_and(is_time)
        && words.next().is_some_and(|day| digits(day, 1..=2))
        && words.next().is_some_and(is_month)
}

/// Whether `line` is a From_ line as writers other than mutt's write it:
/// `From `, the sender as one word (`ana@example.org`, `MAILER-DAEMON`),
/// then nothing, or a date in another form than asctime's (RFC 5322's
/// `Thu, 12 Mar 1964 10:00:00 +0000`, ISO 8601's) that
/// [`dates::parse_mail_date`] reads. Prose opening with "From " seldom has
/// that shape: "From here on:" is text whatever lines follow it, and so is
/// "From Ana:", since no sender ends in a colon while a line introducing
/// what follows does.
fn is_loose_from_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = String::from_utf8_lossy(rest);
    let (sender, date) = rest
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((rest.trim(), ""));
    let dated = date.is_empty() || dates::parse_mail_date(date).is_some();
    !sender.is_empty() && !sender.ends_with(':') && dated
}

/// Whether `lines` open with a message's header block: header fields
/// (`Name: value`, and the lines folded into them) up to a blank line or
/// the end, a `From`, `Date` or `Subject` among them. Every line must be a
/// field, which a paragraph of prose is not; the field is asked for
/// because a line such as `Note: …` is a field too. RFC 5322 requires
/// `From` and `Date` of every message, and one written by hand has a
/// `Subject` at least: the block is read whole, so the fields a server
/// writes first (`Return-Path`, `Received`) need not be listed, and
/// fields prose may open with (`To:`) are not.
fn heads_a_message<'a>(lines: impl Iterator<Item = &'a [u8]>) -> bool {
    const MESSAGE_FIELDS: [&[u8]; 3] = [b"From", b"Date", b"Subject"];
    let mut any_field = false;
    let mut message_field = false;
    for line in lines {
        let line = line.trim_ascii_end();
        if line.is_empty() {
            break;
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            if !any_field {
                return false;
            }
            continue;
        }
        let Some(name) = header_field_name(line) else {
            return false;
        };
        any_field = true;
        message_field |= MESSAGE_FIELDS
            .iter()
            .any(|field| name.eq_ignore_ascii_case(field));
    }
    message_field
}

/// The name of the header field `line` is (`Name: value`): letters,
/// digits and hyphens right before a colon, as mailers name fields (RFC
/// 5322 allows any printable ASCII, which would take `[1]:` or `(see:`
/// opening a line of prose for a field).
fn header_field_name(line: &[u8]) -> Option<&[u8]> {
    let name = &line[..line.iter().position(|&byte| byte == b':')?];
    let named = name
        .iter()
        .all(|byte| byte.is_ascii_alphanumeric() || *byte == b'-');
    (!name.is_empty() && named).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::block_texts;

    fn read(message: &str) -> Message {
        read_message(message.as_bytes()).expect("a message")
    }

    /// Forty thousand messages, each forwarded inside the next: read (the
    /// outer one) and dropped without overflowing a test thread's stack.
    #[test]
    fn a_message_forwarded_forty_thousand_levels_deep_is_read_and_dropped() {
        let mut message = String::new();
        for level in (0..40_000).rev() {
            message += &format!("Subject: L{level}\r\nContent-Type: message/rfc822\r\n\r\n");
        }
        message += "Subject: innermost\r\n\r\nPlan LAZO at the bottom.\r\n";
        let read = read(&message);
        assert_eq!(read.meta.title.as_deref(), Some("L39999"));
    }

    #[test]
    fn headers_give_title_date_author_and_language() {
        let message = read(
            "From: =?UTF-8?Q?Mar=C3=ADa_P=C3=A9rez?= <maria@example.org>\n\
             To: archive@example.org\n\
             Subject: =?UTF-8?B?UmV1bmnDs24gZW4gQm9nb3TDoQ==?=\n\
             Date: Sat, 27 Sep 2025 23:30:00 -0500\n\
             Content-Language: es-CO\n\
             \n\
             Hola.\n",
        );
        assert_eq!(message.meta.title.as_deref(), Some("Reunión en Bogotá"));
        // The day written on the message, not the UTC one (the 28th).
        assert_eq!(message.meta.date, Date::new(2025, 9, 27));
        assert_eq!(
            message.meta.author.as_deref(),
            Some("María Pérez <maria@example.org>")
        );
        assert_eq!(message.meta.language.as_deref(), Some("es-CO"));
        assert_eq!(block_texts(&message.blocks), ["Hola."]);

        // Outlook's encoded name inside quotes, which RFC 2047 forbids.
        for from in [
            "\"=?iso-8859-1?Q?G=F3mez=2C_Luis?=\" <luis@example.org>",
            "=?iso-8859-1?Q?=22G=F3mez=2C_Luis=22?= <luis@example.org>",
        ] {
            let outlook = read(&format!("From: {from}\nSubject: x\n\nHola.\n"));
            assert_eq!(
                outlook.meta.author.as_deref(),
                Some("Gómez, Luis <luis@example.org>"),
                "{from}"
            );
        }

        let bare = read("From: maria@example.org\nSubject: x\n\nHola.\n");
        assert_eq!(bare.meta.author.as_deref(), Some("maria@example.org"));
        assert_eq!(bare.meta.date, None);
        assert_eq!(bare.meta.language, None);
    }

    /// Every obsolete zone RFC 5322 §4.3 lists: `UT`, `GMT`, the American
    /// zones, and the military letters, either case, but `J`.
    fn obsolete_zones() -> Vec<String> {
        let named = [
            "UT", "GMT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT",
        ];
        let military = ('A'..='Z')
            .chain('a'..='z')
            .filter(|letter| !letter.eq_ignore_ascii_case(&'j'));
        named
            .into_iter()
            .map(str::to_string)
            .chain(military.map(String::from))
            .collect()
    }

    #[test]
    fn an_obsolete_zone_ends_with_its_line() {
        for zone in obsolete_zones() {
            for newline in ["\n", "\r\n"] {
                // The Date field last, before the blank line, and first,
                // before the Subject.
                for message in [
                    format!(
                        "From: a@b.c\nSubject: The subject\nDate: Wed, 5 Jun 2019 08:00:00 {zone}\n\nThe body.\n"
                    ),
                    format!(
                        "From: a@b.c\nDate: Wed, 5 Jun 2019 08:00:00 {zone}\nSubject: The subject\n\nThe body.\n"
                    ),
                ] {
                    let message = message.replace('\n', newline);
                    let read = read(&message);
                    assert_eq!(
                        read.meta.title.as_deref(),
                        Some("The subject"),
                        "{message:?}"
                    );
                    assert_eq!(read.meta.date, Date::new(2019, 6, 5), "{message:?}");
                    assert_eq!(block_texts(&read.blocks), ["The body."], "{message:?}");
                    assert_eq!(read.notes, Vec::<String>::new(), "{message:?}");
                }
            }
        }
    }

    #[test]
    fn a_date_cita_cannot_read_is_a_note_and_no_date() {
        let message = read("From: a@b.c\nSubject: s\nDate: sometime last week\n\nBody.\n");
        assert_eq!(message.meta.date, None);
        assert_eq!(
            message.notes,
            ["its Date header \"sometime last week\" is not a date cita reads; ignored"]
        );
        assert_eq!(block_texts(&message.blocks), ["Body."]);
        // No Date, or an empty one, says nothing.
        assert_eq!(
            read("From: a@b.c\nDate:\n\nBody.\n").notes,
            Vec::<String>::new()
        );
    }

    const ALTERNATIVE: &str = "From: a@example.org\n\
        Subject: Both\n\
        MIME-Version: 1.0\n\
        Content-Type: multipart/alternative; boundary=\"b1\"\n\
        \n\
        --b1\n\
        Content-Type: text/plain; charset=utf-8\n\
        \n\
        The plain paragraph.\n\
        \n\
        --b1\n\
        Content-Type: text/html; charset=utf-8\n\
        \n\
        <html><body><h1>Heading</h1><p>The plain paragraph.</p></body></html>\n\
        --b1--\n";

    #[test]
    fn a_quotation_is_paragraphs_of_its_own_without_its_markers() {
        let reply = "Agreed, see below.\r\nOn Mon, 5 May 2024, Ana wrote:\r\n\
                     > The treaty was signed\r\n> in Lima.\r\n>\r\n\
                     > > Was it?\r\n>>Surely\r\n>50% of it, at least.\r\n";
        let runs: Vec<(usize, String)> = quote_runs(reply)
            .into_iter()
            .map(|run| (run.depth, run.text))
            .collect();
        assert_eq!(
            runs,
            [
                (
                    0,
                    "Agreed, see below.\nOn Mon, 5 May 2024, Ana wrote:\n".to_string()
                ),
                (1, "The treaty was signed\nin Lima.\n\n".to_string()),
                (2, "Was it?\nSurely\n".to_string()),
                (0, ">50% of it, at least.\n\n".to_string()),
            ]
        );
        let message = read(&format!("From: a@example.org\n\n{reply}"));
        assert_eq!(
            block_texts(&message.blocks),
            [
                "Agreed, see below. On Mon, 5 May 2024, Ana wrote:",
                "# On Mon, 5 May 2024, Ana wrote:",
                "The treaty was signed in Lima.",
                "#",
                "Was it? Surely",
                ">50% of it, at least."
            ]
        );
    }

    #[test]
    fn outlook_s_header_block_in_html_attributes_the_message_below_it() {
        // As Outlook forwards a message in HTML: the block's fields one
        // paragraph, lines broken by `<br>`, labels in bold.
        let html = "<html><body><p>Te reenvío lo de la Personería.</p>\
             <div style=\"border:none;border-top:solid #E1E1E1 1.0pt\"><p><b>De:</b> Personería Municipal \
             &lt;personeria@barbacoas.example&gt;<br><b>Enviado el:</b> lunes, 6 de mayo de 2024 10:00<br>\
             <b>Para:</b> Marta Lucero &lt;marta@example.org&gt;<br><b>Asunto:</b> Crecida del río</p></div>\
             <p>La crecida afectó a cuarenta familias.</p></body></html>";
        let message = read(&format!(
            "From: m@example.org\nContent-Type: text/html; charset=utf-8\n\n{html}"
        ));
        let blocks = block_texts(&message.blocks);
        assert_eq!(
            blocks[..2],
            [
                "Te reenvío lo de la Personería.",
                "# De: Personería Municipal <personeria@barbacoas.example>; Enviado el: lunes, 6 de mayo de 2024 10:00",
            ]
        );
        assert_eq!(
            blocks.last().unwrap(),
            "La crecida afectó a cuarenta familias."
        );
        // A memo's fields pasted into a body are no header block.
        for memo in [
            "<p>De: Dirección de Planeación Fecha: 5 de mayo de 2024 Asunto: Presupuesto</p>",
            "<p>De acuerdo con lo enviado el: lunes</p>",
        ] {
            let message = read(&format!(
                "From: m@example.org\nContent-Type: text/html\n\n<html><body>{memo}</body></html>"
            ));
            assert!(
                !block_texts(&message.blocks)
                    .iter()
                    .any(|block| block.starts_with('#')),
                "{memo}"
            );
        }
        // Read as plain text's block is: a date after an address, a
        // separator above the fields.
        for (line, attribution) in [
            (
                "De: ana@example.org Fecha: 5 de mayo de 2024 Para: Luis",
                "De: ana@example.org; Fecha: 5 de mayo de 2024",
            ),
            (
                "-----Original Message----- From: Luis Mora Sent: Sunday, May 4, 2025 9:00 AM To: Ana",
                "From: Luis Mora; Sent: Sunday, May 4, 2025 9:00 AM",
            ),
        ] {
            assert_eq!(outlook_fields(line).as_deref(), Some(attribution), "{line}");
        }
    }

    #[test]
    fn outlook_s_header_block_attributes_the_message_below_it() {
        let reply = "Recibido, gracias.\r\n\r\n\
                     De: Ana Gómez [mailto:ana@example.org]\r\n\
                     Enviado el: lunes, 5 de mayo de 2025 10:00\r\n\
                     Para: Luis\r\nAsunto: Tratado\r\n\r\n\
                     El tratado se firmó en Lima.\r\n\r\n\
                     -----Original Message-----\r\n\
                     From: Luis Mora\r\nSent: Sunday, May 4, 2025 9:00 AM\r\n\r\n\
                     Where was it signed?\r\n";
        let message = read(&format!("From: b@example.org\n\n{reply}"));
        let ana =
            "# De: Ana Gómez [mailto:ana@example.org]; Enviado el: lunes, 5 de mayo de 2025 10:00";
        assert_eq!(
            block_texts(&message.blocks),
            [
                "Recibido, gracias.",
                ana,
                "De: Ana Gómez [mailto:ana@example.org] Enviado el: lunes, 5 de mayo de 2025 10:00 Para: Luis Asunto: Tratado",
                "El tratado se firmó en Lima.",
                "# From: Luis Mora; Sent: Sunday, May 4, 2025 9:00 AM",
                "-----Original Message----- From: Luis Mora Sent: Sunday, May 4, 2025 9:00 AM",
                "Where was it signed?",
            ]
        );
        // A separator without the header lines names the quotation by
        // itself; a rule of underscores without them is none.
        let forwarded = read(
            "From: b@example.org\n\nSee below.\n\n---------- Forwarded message ---------\n\nThe plan.\n",
        );
        assert_eq!(
            block_texts(&forwarded.blocks),
            [
                "See below.",
                "# Forwarded message",
                "---------- Forwarded message ---------",
                "The plan."
            ]
        );
        let signed = read("From: b@example.org\n\nThe plan.\n\n____________\nAna Gómez\nAsesora\n");
        assert_eq!(
            block_texts(&signed.blocks),
            ["The plan.", "____________ Ana Gómez Asesora"]
        );
    }

    #[test]
    fn a_quotation_nested_past_any_thread_is_read_at_the_deepest_depth() {
        let deep = format!("Reply.\n{} deep words", ">".repeat(100_000));
        let runs = quote_runs(&deep);
        assert_eq!(
            runs.last().map(|run| (run.depth, run.text.as_str())),
            Some((MAX_QUOTE_DEPTH, "deep words\n"))
        );
    }

    #[test]
    fn the_reply_s_own_heading_comes_back_after_a_quotation_and_its_lines_attribute_nothing() {
        let reply = "Acta de la reunión\n==================\n\nPrimer punto.\n\n\
                     On Mon, 5 May 2024, Ana wrote:\n> Una cita.\n\n\
                     Segundo punto, y sobre lo otro, añado:\n> Otra cita.\n\n\
                     Luis\nOn Tue, 6 May 2024, Ana wrote:\n> Tercera.\n\nFin.\n";
        let message = read(&format!("From: b@example.org\n\n{reply}"));
        assert_eq!(
            block_texts(&message.blocks),
            [
                "# Acta de la reunión",
                "Primer punto.",
                "On Mon, 5 May 2024, Ana wrote:",
                "# On Mon, 5 May 2024, Ana wrote:",
                "Una cita.",
                "# Acta de la reunión",
                "Segundo punto, y sobre lo otro, añado:",
                // The reply introduces this quotation itself: whose, it does not say.
                "#",
                "Otra cita.",
                "# Acta de la reunión",
                "Luis On Tue, 6 May 2024, Ana wrote:",
                "# On Tue, 6 May 2024, Ana wrote:",
                "Tercera.",
                "# Acta de la reunión",
                "Fin.",
            ]
        );
    }

    #[test]
    fn a_header_block_quotes_only_as_deep_as_it_stands_and_a_memo_s_fields_are_none() {
        // An Outlook block inside a `>` quotation: the reply after it is the replier's.
        let reply = "On 5/5/25 11:00, Luis Mora wrote:\n> Mi respuesta.\n>\n\
                     > -----Original Message-----\n> From: Ana Gomez\n> Sent: Monday, May 5, 2025\n>\n\
                     > El tratado.\n\nBeto responde: no.\n";
        let message = read(&format!("From: b@example.org\n\n{reply}"));
        assert_eq!(
            block_texts(&message.blocks),
            [
                "On 5/5/25 11:00, Luis Mora wrote:",
                "# On 5/5/25 11:00, Luis Mora wrote:",
                "Mi respuesta.",
                "# From: Ana Gomez; Sent: Monday, May 5, 2025",
                "-----Original Message----- From: Ana Gomez Sent: Monday, May 5, 2025",
                "El tratado.",
                "#",
                "Beto responde: no.",
            ]
        );
        // A memo pasted into a body, and a reply's own lines ending in a
        // colon that name no address, date or mailer's verb.
        let memo = "De: Dirección de Planeación\nFecha: 5 de mayo de 2025\n\nEl ajuste.\n\n\
                    Mi comentario, tal como lo describe el acta:\n> Uno.\n\n\
                    Los 3 puntos que planteas:\n> Dos.\n";
        let message = read(&format!("From: c@example.org\n\n{memo}"));
        assert!(
            !block_texts(&message.blocks)
                .iter()
                .any(|text| text.starts_with("# ")),
            "{:?}",
            block_texts(&message.blocks)
        );
    }

    #[test]
    fn header_blocks_of_gmail_thunderbird_and_outlook_in_portuguese_are_read() {
        let attributions = |body: &str| {
            let message = read(&format!("From: b@example.org\n\n{body}"));
            block_texts(&message.blocks)
                .into_iter()
                .filter(|text| text.starts_with("# "))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            attributions(
                "Ok.\n\n> *From:* Ana Gómez\n> *Sent:* Monday\n> *To:* Luis\n>\n> El informe.\n"
            ),
            ["# From: Ana Gómez; Sent: Monday"]
        );
        assert_eq!(
            attributions(
                "Mira.\n\n-------- Forwarded Message --------\nSubject: Informe\nDate: Mon, 5 May 2025\n\
                 From: Ana <ana@example.org>\nTo: Luis\n\nEl informe.\n"
            ),
            ["# From: Ana <ana@example.org>; Date: Mon, 5 May 2025"]
        );
        assert_eq!(
            attributions("Veja.\n\nDe: Ana\nEnviada em: segunda-feira\n\nO relatório.\n"),
            ["# De: Ana; Enviada em: segunda-feira"]
        );
    }

    #[test]
    fn a_quotation_answered_piece_by_piece_keeps_its_attribution() {
        let reply = "On Mon, Ana wrote:\n> First question?\nFirst answer.\n> Second question?\nSecond answer.\n";
        let message = read(&format!("From: b@example.org\n\n{reply}"));
        assert_eq!(
            block_texts(&message.blocks),
            [
                "On Mon, Ana wrote:",
                "# On Mon, Ana wrote:",
                "First question?",
                "#",
                "First answer.",
                "# On Mon, Ana wrote:",
                "Second question?",
                "#",
                "Second answer.",
            ]
        );
    }

    #[test]
    fn a_quotation_lies_under_its_attribution_and_the_reply_under_none() {
        let reply = "Bien.\n\nEl lun, 5 may 2024 a las 10:00, Ana Gómez <\nana@example.org> escribió:\n\
                     > El tratado se firmó en Lima.\n>\n\
                     > El mar., Luis escribió:\n>> ¿Dónde?\n\
                     > Eso dijo.\n\nY luego, nada.\n";
        let message = read(&format!("From: b@example.org\n\n{reply}"));
        assert_eq!(
            block_texts(&message.blocks),
            [
                "Bien.",
                "El lun, 5 may 2024 a las 10:00, Ana Gómez < ana@example.org> escribió:",
                "# El lun, 5 may 2024 a las 10:00, Ana Gómez <ana@example.org> escribió:",
                "El tratado se firmó en Lima.",
                "El mar., Luis escribió:",
                "# El mar., Luis escribió:",
                "¿Dónde?",
                "# El lun, 5 may 2024 a las 10:00, Ana Gómez <ana@example.org> escribió:",
                "Eso dijo.",
                "#",
                "Y luego, nada.",
            ]
        );
    }

    #[test]
    fn flowed_text_is_joined_where_the_mailer_wrapped_it() {
        let body = "This is a flowed para-\r\ngraph that wraps over sev \r\neral lines.\r\n\r\n\
                    > quoted line that \r\n> continues.\r\n>> deeper \r\n> back\r\n \
                    From a stuffed line \r\nend.\r\nLast line wrapped \r\n\r\nRegards, \r\n-- \r\nSignature";
        assert_eq!(
            unflowed(body, true),
            "This is a flowed para-\ngraph that wraps over several lines.\n\n\
             > quoted line thatcontinues.\n>> deeper\n> back\nFrom a stuffed lineend.\n\
             Last line wrapped\n\nRegards,\n-- \nSignature\n"
        );
        assert_eq!(
            unflowed(body, false),
            "This is a flowed para-\ngraph that wraps over sev eral lines.\n\n\
             > quoted line that continues.\n>> deeper \n> back\nFrom a stuffed line end.\n\
             Last line wrapped \n\nRegards, \n-- \nSignature\n"
        );
        let message = read(
            "From: a@example.org\nSubject: flowed\nContent-Type: text/plain; charset=utf-8; \
             format=flowed; delsp=yes\n\nThe committee met over sev \neral days in Bogot\u{e1}.\n",
        );
        assert_eq!(
            block_texts(&message.blocks),
            ["The committee met over several days in Bogotá."]
        );
    }

    #[test]
    fn of_two_alternatives_the_plain_text_is_read_alone() {
        let message = read(ALTERNATIVE);
        assert_eq!(block_texts(&message.blocks), ["The plain paragraph."]);
        assert!(message.attachments.is_empty());
    }

    #[test]
    fn a_plain_placeholder_gives_way_to_its_html() {
        let article = "<p>El ministerio revoc\u{f3} la visa del director tras la \
            investigaci\u{f3}n de la fiscal\u{ed}a, que hall\u{f3} pagos sin justificar \
            durante tres a\u{f1}os y pidi\u{f3} explicaciones a la junta.</p>\
            <p>La junta respondi\u{f3} el lunes que los pagos fueron aprobados por el \
            consejo anterior y que entregar\u{e1} las actas antes del viernes.</p>";
        let with_plain = |plain: &str| {
            ALTERNATIVE
                .replace("<h1>Heading</h1><p>The plain paragraph.</p>", article)
                .replace("The plain paragraph.", plain)
        };
        let placeholder = read(&with_plain("Your mail reader does not display HTML."));
        assert_eq!(
            block_texts(&placeholder.blocks)[0],
            "El ministerio revocó la visa del director tras la investigación de la \
             fiscalía, que halló pagos sin justificar durante tres años y pidió \
             explicaciones a la junta."
        );
        assert_eq!(placeholder.blocks.len(), 2);
        // A short plain text that says what the HTML says is read alone.
        let summary = read(&with_plain(
            "El ministerio revocó la visa del director tras la investigación de la \
             fiscalía, que halló pagos sin justificar durante tres años. La junta \
             entregará las actas antes del viernes.",
        ));
        assert_eq!(summary.blocks.len(), 1);
        assert!(block_texts(&summary.blocks)[0].starts_with("El ministerio"));
    }

    #[test]
    fn html_without_plain_text_is_read_as_html() {
        let html_only = ALTERNATIVE.replace(
            "Content-Type: text/plain; charset=utf-8\n\nThe plain paragraph.\n\n--b1\n",
            "",
        );
        let message = read(&html_only);
        assert_eq!(
            block_texts(&message.blocks),
            ["# Heading", "The plain paragraph."]
        );
        let single = read(
            "From: a@example.org\nContent-Type: text/html\n\n<h2>Title</h2><p>Body &amp; soul</p>\n",
        );
        assert_eq!(block_texts(&single.blocks), ["# Title", "Body & soul"]);
        // An empty plain alternative is no text: the HTML is read.
        let empty_plain = ALTERNATIVE.replace("The plain paragraph.\n\n--b1", "\n--b1");
        assert_eq!(
            block_texts(&read(&empty_plain).blocks),
            ["# Heading", "The plain paragraph."]
        );
    }

    #[test]
    fn quoted_printable_and_charsets_decode() {
        let latin1 = b"From: a@example.org\n\
            Content-Type: text/plain; charset=ISO-8859-1\n\
            Content-Transfer-Encoding: quoted-printable\n\
            \n\
            Se reuni=F3 en Bogot=E1 con el se=F1or Nari=F1o, que lleg=F3 =\n\
            tarde.\n";
        let message = read_message(latin1).unwrap();
        assert_eq!(
            block_texts(&message.blocks),
            ["Se reunió en Bogotá con el señor Nariño, que llegó tarde."]
        );
        // windows-1252 bytes sent as 8bit, with curly quotes and a euro sign.
        let cp1252 = b"From: a@example.org\n\
            Content-Type: text/plain; charset=windows-1252\n\
            Content-Transfer-Encoding: 8bit\n\
            \n\
            \x93Cost\x94: 5 \x80, said Nari\xf1o.\n";
        let message = read_message(cp1252).unwrap();
        assert_eq!(
            block_texts(&message.blocks),
            ["\u{201c}Cost\u{201d}: 5 €, said Nariño."]
        );
        // No charset declared: detected, not replacement characters.
        let undeclared = b"From: a@example.org\n\n\
            El se\xf1or Nari\xf1o lleg\xf3 a Bogot\xe1 el martes por la ma\xf1ana.\n";
        let message = read_message(undeclared).unwrap();
        assert_eq!(
            block_texts(&message.blocks),
            ["El señor Nariño llegó a Bogotá el martes por la mañana."]
        );
        // A subject in 8-bit Latin-1, without RFC 2047's encoding.
        let raw_subject =
            b"From: a@example.org\nSubject: R\xe9sum\xe9 du caf\xe9 de la plaza\n\nBody.\n";
        let message = read_message(raw_subject).unwrap();
        assert_eq!(
            message.meta.title.as_deref(),
            Some("Résumé du café de la plaza")
        );
        // A character split between two encoded words is one character.
        let split = b"From: a@example.org\nSubject: =?utf-8?B?QWN0YSBkZSByZXVuacM=?=\n =?utf-8?B?s24gZGVsIGx1bmVz?= =?iso-8859-1?Q?_y_caf=E9?=\n\nBody.\n";
        assert_eq!(
            read_message(split).unwrap().meta.title.as_deref(),
            Some("Acta de reunión del lunes y café")
        );
        // Encoded words beside raw bytes stay mail-parser's.
        let mixed = b"From: a@example.org\nSubject: =?utf-8?Q?caf=C3=A9?= d\xe9j\xe0\n\nBody.\n";
        let title = read_message(mixed).unwrap().meta.title.unwrap();
        assert!(title.starts_with("café "), "{title}");
        // UTF-8 declared as ASCII or Latin-1 is UTF-8; Latin-1 stays Latin-1.
        for charset in ["us-ascii", "iso-8859-1"] {
            let mislabeled = format!(
                "From: a@example.org\nContent-Type: text/plain; charset={charset}\n\
                 Content-Transfer-Encoding: 8bit\n\nStraße, Café crème.\n"
            );
            assert_eq!(
                block_texts(&read(&mislabeled).blocks),
                ["Straße, Café crème."]
            );
        }
        let latin1 = b"From: a@example.org\nContent-Type: text/plain; charset=iso-8859-1\n\
            Content-Transfer-Encoding: 8bit\n\nCaf\xe9 cr\xe8me.\n";
        let message = read_message(latin1).unwrap();
        assert_eq!(block_texts(&message.blocks), ["Café crème."]);
        // UTF-8 in base64.
        let base64 = "From: a@example.org\n\
            Content-Type: text/plain; charset=utf-8\n\
            Content-Transfer-Encoding: base64\n\
            \n\
            QWNjacOzbiBlbiBDYXJ0YWdlbmEu\n";
        assert_eq!(block_texts(&read(base64).blocks), ["Acción en Cartagena."]);
    }

    #[test]
    fn named_parts_are_attachments_with_their_bytes() {
        let message = read(
            "From: a@example.org\n\
             Subject: Notes\n\
             Content-Type: multipart/mixed; boundary=\"m\"\n\
             \n\
             --m\n\
             Content-Type: text/plain\n\
             \n\
             See attached.\n\
             --m\n\
             Content-Type: text/plain; name=\"interview-notes.txt\"\n\
             Content-Disposition: attachment; filename=\"interview-notes.txt\"\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             VGhlIHZldGVyYW4gcmVjYWxsZWQgdGhlIG9wZXJhdGlvbi4K\n\
             --m\n\
             Content-Type: application/pdf; name=\"=?UTF-8?Q?informe_a=C3=B1o.pdf?=\"\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             JVBERi0xLjQK\n\
             --m\n\
             Content-Type: image/png\n\
             Content-Disposition: inline\n\
             Content-Transfer-Encoding: base64\n\
             \n\
             iVBORw0KGgo=\n\
             --m--\n",
        );
        assert_eq!(block_texts(&message.blocks), ["See attached."]);
        let attachments: Vec<(&str, &[u8])> = message
            .attachments
            .iter()
            .map(|attachment| (attachment.name.as_str(), attachment.bytes.as_slice()))
            .collect();
        // The unnamed inline image is no file anyone attached.
        assert_eq!(
            attachments,
            [
                (
                    "interview-notes.txt",
                    &b"The veteran recalled the operation.\n"[..]
                ),
                ("informe año.pdf", &b"%PDF-1.4\n"[..]),
            ]
        );
    }

    #[test]
    fn a_text_attachment_keeps_its_own_bytes() {
        let message = read_message(
            b"From: a@example.org\n\
            Content-Type: multipart/mixed; boundary=m\n\
            \n\
            --m\n\
            Content-Type: text/plain\n\
            \n\
            Body.\n\
            --m\n\
            Content-Type: text/html; charset=iso-8859-1; name=page.html\n\
            Content-Transfer-Encoding: quoted-printable\n\
            \n\
            <meta charset=3D\"iso-8859-1\"><p>Bogot=E1</p>\n\
            --m--\n",
        )
        .unwrap();
        let bytes = &message.attachments[0].bytes;
        assert!(
            bytes.starts_with(b"<meta charset=\"iso-8859-1\"><p>Bogot\xe1</p>"),
            "{bytes:?}"
        );
    }

    #[test]
    fn a_forwarded_message_is_an_eml_attachment() {
        let inner = "From: b@example.org\n\
            Subject: Original report\n\
            Date: Mon, 5 May 2024 10:00:00 +0000\n\
            \n\
            The original text.\n";
        let outer = format!(
            "From: a@example.org\n\
             Subject: Fwd: Original report\n\
             Content-Type: multipart/mixed; boundary=\"m\"\n\
             \n\
             --m\n\
             Content-Type: text/plain\n\
             \n\
             Forwarding this.\n\
             --m\n\
             Content-Type: message/rfc822\n\
             \n\
             {inner}\
             --m--\n"
        );
        let message = read(&outer);
        assert_eq!(block_texts(&message.blocks), ["Forwarding this."]);
        assert_eq!(message.attachments.len(), 1);
        let attached = &message.attachments[0];
        assert_eq!(attached.name, "Original report.eml");
        let nested = read_message(&attached.bytes).unwrap();
        assert_eq!(nested.meta.title.as_deref(), Some("Original report"));
        assert_eq!(nested.meta.date, Date::new(2024, 5, 5));
        assert_eq!(block_texts(&nested.blocks), ["The original text."]);
    }

    #[test]
    fn a_message_cut_short_keeps_its_text() {
        let cut = read(
            "From: a@example.org\n\
             Content-Type: multipart/mixed; boundary=\"m\"\n\
             \n\
             --m\n\
             Content-Type: text/plain\n\
             \n\
             The mailbox was cut here",
        );
        assert_eq!(block_texts(&cut.blocks), ["The mailbox was cut here"]);
        let rfc2231 = read(
            "From: a@example.org\n\
             Content-Type: multipart/mixed; boundary=\"m\"\n\
             \n\
             --m\n\
             Content-Type: application/pdf\n\
             Content-Disposition: attachment; filename*=UTF-8''informe%20a%C3%B1o.pdf\n\
             \n\
             %PDF-1.4\n\
             --m--\n",
        );
        assert!(rfc2231.blocks.is_empty());
        assert_eq!(rfc2231.attachments[0].name, "informe año.pdf");
    }

    #[test]
    fn a_multipart_without_a_boundary_its_lines_use_is_read_as_plain_text() {
        // The boundary parameter on a line of its own (not folded), and a
        // boundary no line uses.
        for message in [
            "From: Ana <ana@x.org>\nSubject: Minutes\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\nboundary=\"XYZ\"\n\n--XYZ\nContent-Type: text/plain\n\nThe committee approved the budget.\n--XYZ--\n",
            "From: a@x.org\nSubject: M2\nContent-Type: multipart/alternative; boundary=\"AAA\"\n\n--BBB\nContent-Type: text/plain;\n charset=utf-8\n\nThe committee approved the budget.\n--BBB--\n",
            "From: a@x.org\nSubject: M3\nContent-Type: multipart/mixed\n\n--BBB\nThe committee approved the budget.\n--BBB--\n",
        ] {
            let read = read(message);
            assert_eq!(
                block_texts(&read.blocks),
                ["The committee approved the budget."],
                "{message}"
            );
            assert_eq!(read.notes.len(), 1, "{message}");
        }
        // Its parts' transfer encodings undone; an attachment and a part
        // that is not text left out.
        let encoded = concat!(
            "From: a@x.org\nSubject: M5\nContent-Type: multipart/mixed;\nboundary=\"Q\"\n\n",
            "This is a multi-part message in MIME format.\n",
            "--Q\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
            "TGEgY29taXNpw7NuIGFwcm9iw7MgZWwgcHJlc3VwdWVzdG8u\n",
            "--Q\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n",
            "Segunda parte, en Bogot=C3=A1.\n",
            "--Q\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nAAECAwQFBgcICQ==\n",
            "--Q\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"a.txt\"\n\nAttached.\n",
            "--Q--\n",
        );
        assert_eq!(
            block_texts(&read(encoded).blocks),
            [
                "La comisión aprobó el presupuesto.",
                "Segunda parte, en Bogotá."
            ]
        );
        // A ruler and a signature are text, not boundaries.
        let ruled = concat!(
            "From: a@x.org\nSubject: M6\nContent-Type: multipart/mixed;\nboundary=\"Q\"\n\n",
            "Dear all,\n\nThe committee approved the walrus budget.\n\n---\nJohn Smith\n",
        );
        let texts = block_texts(&read(ruled).blocks);
        assert!(
            texts.iter().any(|text| text.contains("walrus")),
            "{texts:?}"
        );
        // A well-formed multipart needs no note.
        let whole = "From: a@x.org\nSubject: M4\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nThe budget.\n--B--\n";
        assert_eq!(read(whole).notes, Vec::<String>::new());
    }

    /// mail-parser panicked on this multipart ("Invalid part ID, could not
    /// find multipart"), found by `fuzz/` in its first CI run. The panic is
    /// a debug assertion: an optimised build reads the message as it can.
    /// Either way no panic escapes.
    #[test]
    fn a_multipart_the_parser_panics_on_is_malformed() {
        let bytes = include_bytes!("../../fuzz/regressions/email/mail-parser-part-id-panic.eml");
        let read = read_message(bytes);
        let refused = read.is_err();
        assert_eq!(refused, cfg!(debug_assertions), "{read:?}");
        match read {
            Err((reason, message)) => {
                assert_eq!(reason, SkipReason::Malformed, "{message}");
                assert_eq!(message, "the MIME parser failed on this message");
            }
            Ok(message) => {
                assert_eq!(message.meta.title.as_deref(), Some("Fwd: Field report"));
            }
        }
    }

    #[test]
    fn a_text_part_holding_binary_data_is_left_out_with_a_note() {
        let mut raw =
            b"From: a@example.org\nSubject: volcado\nContent-Type: multipart/mixed; boundary=b\n\n\
            --b\nContent-Type: text/plain\n\nUna linea legible.\n"
                .to_vec();
        raw.extend((0..=255u8).cycle().take(768));
        raw.extend(
            b"\n--b\nContent-Type: text/plain; charset=utf-8\n\nEl informe sigue aqui.\n--b--\n",
        );
        let message = read_message(&raw).unwrap();
        assert_eq!(block_texts(&message.blocks), ["El informe sigue aqui."]);
        assert_eq!(message.notes, [BINARY_PART]);
        // Base64 that does not decode: no text either.
        let broken = b"From: a@example.org\nSubject: roto\nContent-Type: text/plain\n\
            Content-Transfer-Encoding: base64\n\n!!!!notbase64@@@@\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\n";
        let message = read_message(broken).unwrap();
        assert!(message.blocks.is_empty(), "{:?}", message.blocks);
        assert_eq!(message.notes, [BINARY_PART]);
    }

    #[test]
    fn text_without_headers_is_not_a_message() {
        for bytes in [
            &b"Just some notes.\nNo headers here.\n"[..],
            b"Note: a colon does not make a header.\n\nBody.\n",
            b"\x00\x9f\x92\x96binary",
            b"",
        ] {
            let (reason, message) = read_message(bytes).unwrap_err();
            assert_eq!(reason, SkipReason::Malformed);
            assert!(message.starts_with("not an e-mail message ("), "{message}");
        }
    }

    #[test]
    fn mailboxes_split_on_from_lines_and_unescape_quoted_ones() {
        let mbox = "From a@example.org Sat Jan  3 01:05:34 2004\n\
            Subject: One\n\
            \n\
            First body.\n\
            >From the archive, a quoted line.\n\
            \n\
            From b@example.org Sun Jan  4 01:05:34 2004\n\
            Subject: Two\n\
            \n\
            Second body.\n";
        let messages: Vec<Vec<u8>> = mbox_messages(mbox.as_bytes())
            .map(|message| message.bytes)
            .collect();
        assert_eq!(messages.len(), 2);
        let first = read_message(&messages[0]).unwrap();
        assert_eq!(first.meta.title.as_deref(), Some("One"));
        assert_eq!(
            block_texts(&first.blocks),
            ["First body. From the archive, a quoted line."]
        );
        assert_eq!(
            read_message(&messages[1]).unwrap().meta.title.as_deref(),
            Some("Two")
        );

        let crlf = mbox.replace('\n', "\r\n");
        let messages: Vec<Vec<u8>> = mbox_messages(crlf.as_bytes())
            .map(|message| message.bytes)
            .collect();
        assert_eq!(messages.len(), 2);
        let second = read_message(&messages[1]).unwrap();
        assert_eq!(second.meta.title.as_deref(), Some("Two"));
        assert_eq!(block_texts(&second.blocks), ["Second body."]);

        assert_eq!(mbox_messages(b"").count(), 0);
        assert_eq!(mbox_messages(b"\n\n").count(), 0);
        assert_eq!(
            mbox_messages(b"From a Mon Jan  1 00:00:00 2001\n\nFrom b Mon Jan  1 00:00:00 2001\n")
                .count(),
            0
        );
        // A message saved without its separator is still a message.
        let single: Vec<Vec<u8>> = mbox_messages(b"Subject: Alone\n\nBody.\n")
            .map(|message| message.bytes)
            .collect();
        assert_eq!(single, [b"Subject: Alone\n\nBody.\n".to_vec()]);
    }

    #[test]
    fn a_body_line_starting_with_from_is_text() {
        let mbox = "From a@example.org Sat Jan  3 01:05:34 2004\n\
            Subject: One\n\
            \n\
            The memo follows.\n\
            \n\
            From the desk of the director: budget cuts are coming.\n\
            \n\
            From 1998 to 2004 the budget grew.\n\
            \n\
            From b@example.org Sun Jan  4 01:05:34 2004\n\
            Subject: Two\n\
            \n\
            Second body.\n";
        for mbox in [mbox.to_string(), mbox.replace('\n', "\r\n")] {
            let messages: Vec<Vec<u8>> = mbox_messages(mbox.as_bytes())
                .map(|message| message.bytes)
                .collect();
            assert_eq!(messages.len(), 2, "{mbox:?}");
            let first = read_message(&messages[0]).unwrap();
            assert_eq!(
                block_texts(&first.blocks),
                [
                    "The memo follows.",
                    "From the desk of the director: budget cuts are coming.",
                    "From 1998 to 2004 the budget grew."
                ]
            );
            let second = read_message(&messages[1]).unwrap();
            assert_eq!(second.meta.title.as_deref(), Some("Two"));
        }
    }

    #[test]
    fn from_lines_end_with_an_asctime_date() {
        for line in [
            "From a@example.org Sat Jan  3 01:05:34 2004\n",
            "From a@example.org Sat Jan  3 01:05:34 2004\r\n",
            "From MAILER-DAEMON Fri Jul  8 12:08 2011\n",
            "From - Mon Jan 1 00:00:00 2001\n",
            "From 1627@xxx Sat Jan 03 01:05:34 +0000 2004\n",
            "From ana at example.org  Mon Jan  1 00:00:00 2001\n",
            "From ana@example.org Thu Feb 20 10:40:55 2003 +0100\n",
            "From ana@example.org Thu Feb 20 10:40:55 MET DST 2003\n",
            "From  Mon Jan  1 00:00:00 2001\n",
        ] {
            assert!(is_from_line(line.as_bytes()), "{line:?}");
        }
        for line in [
            "From the desk of the director: budget cuts are coming.\n",
            "From 1998 to 2004 the budget grew.\n",
            "From a\n",
            "From a@example.org\n",
            "From: a@example.org Sat Jan  3 01:05:34 2004\n",
            ">From a@example.org Sat Jan  3 01:05:34 2004\n",
            "From a@example.org Sat Jan  3 2004\n",
            "From a@example.org Sat Foo  3 01:05:34 2004\n",
        ] {
            assert!(!is_from_line(line.as_bytes()), "{line:?}");
        }
    }

    #[test]
    fn from_lines_without_an_asctime_date_give_the_sender_and_maybe_another_date() {
        for line in [
            "From ana@example.org\n",
            "From ana@example.org\r\n",
            "From MAILER-DAEMON\n",
            "From ana@example.org Thu, 12 Mar 1964 10:00:00 +0000\n",
            "From ana@example.org  12 Mar 1964 10:00 GMT\r\n",
            "From ana@example.org 1964-03-12T10:00:00Z\n",
        ] {
            assert!(is_loose_from_line(line.as_bytes()), "{line:?}");
        }
        for line in [
            "From the mountains we walked\n",
            "From here on:\n",
            "From Ana:\n",
            "From 1998 to 2004 the budget grew.\n",
            "From ana@example.org last Thursday\n",
            "From \n",
            "From: ana@example.org\n",
            ">From ana@example.org\n",
        ] {
            assert!(!is_loose_from_line(line.as_bytes()), "{line:?}");
        }
    }

    #[test]
    fn a_header_block_is_fields_up_to_a_blank_line_with_a_message_field() {
        let lines = |text: &'static str| text.as_bytes().split_inclusive(|&byte| byte == b'\n');
        for block in [
            "Subject: One\n\nBody.\n",
            "subject: One\r\n\r\nBody.\r\n",
            "Return-Path: <ana@example.org>\nReceived: from mx\n\tby example.org\nDate: Thu, 12 Mar 1964 10:00:00 +0000\n\n",
            "X-Mailer: hand\nFrom: ana@example.org\n",
        ] {
            assert!(heads_a_message(lines(block)), "{block:?}");
        }
        for block in [
            "over the pass.\n\nSubject: One\n",
            "Note: bring boots.\n\nBody.\n",
            "Subject: One\nand then the prose goes on.\n\n",
            " folded: before any field\nSubject: One\n\n",
            "Sub ject: One\n\n",
            "\nSubject: One\n",
            "",
        ] {
            assert!(!heads_a_message(lines(block)), "{block:?}");
        }
    }

    #[test]
    fn a_from_line_without_an_asctime_date_separates_after_a_blank_line_before_headers() {
        let message = |n: usize, date: &str| {
            format!("From: ana@example.org\nSubject: Message {n}\nDate: {date}\n\nBody {n}.\n")
        };
        let dateless = format!(
            "From ana@example.org\n{}\nFrom ana@example.org\n{}",
            message(1, "Thu, 12 Mar 1964 10:00:00 +0000"),
            message(2, "Fri, 13 Mar 1964 10:00:00 +0000"),
        );
        let rfc5322 = format!(
            "From ana@example.org Thu, 12 Mar 1964 10:00:00 +0000\n{}\n\
             From ana@example.org Fri, 13 Mar 1964 10:00:00 +0000\n{}",
            message(1, "Thu, 12 Mar 1964 10:00:00 +0000"),
            message(2, "Fri, 13 Mar 1964 10:00:00 +0000"),
        );
        let mixed = format!(
            "From ana@example.org Thu Mar 12 10:00:00 1964\n{}\n\
             From ana@example.org\n{}\n\
             From ana@example.org Sat, 14 Mar 1964 10:00:00 +0000\n{}",
            message(1, "Thu, 12 Mar 1964 10:00:00 +0000"),
            message(2, "Fri, 13 Mar 1964 10:00:00 +0000"),
            message(3, "Sat, 14 Mar 1964 10:00:00 +0000"),
        );
        for mbox in [dateless, rfc5322, mixed] {
            for mbox in [mbox.clone(), mbox.replace('\n', "\r\n")] {
                let messages: Vec<Vec<u8>> = mbox_messages(mbox.as_bytes())
                    .map(|message| message.bytes)
                    .collect();
                let read: Vec<Message> = messages
                    .iter()
                    .map(|message| read_message(message).unwrap())
                    .collect();
                let count = mbox.matches("Subject:").count();
                assert_eq!(read.len(), count, "{mbox:?}");
                for (n, message) in (1u8..).zip(&read) {
                    assert_eq!(message.meta.title, Some(format!("Message {n}")), "{mbox:?}");
                    assert_eq!(message.meta.date, Date::new(1964, 3, 11 + n));
                    assert_eq!(block_texts(&message.blocks), [format!("Body {n}.")]);
                }
            }
        }
    }

    #[test]
    fn a_body_line_from_without_a_date_is_text() {
        let mbox = "From ana@example.org\n\
            Subject: One\n\
            \n\
            From the mountains we walked\n\
            over the pass.\n\
            \n\
            From the mountains we walked.\n\
            \n\
            From here on:\n\
            Subject: the new plan\n\
            \n\
            The quoted plan.\n\
            From ana@example.org\n\
            Subject: not after a blank line\n\
            \n\
            Still the first message.\n\
            \n\
            From ana@example.org\n\
            Note: bring boots.\n\
            \n\
            From ana@example.org\n\
            Subject: Two\n\
            \n\
            Second body.\n";
        for mbox in [mbox.to_string(), mbox.replace('\n', "\r\n")] {
            let messages: Vec<Vec<u8>> = mbox_messages(mbox.as_bytes())
                .map(|message| message.bytes)
                .collect();
            assert_eq!(messages.len(), 2, "{mbox:?}");
            let first = read_message(&messages[0]).unwrap();
            assert_eq!(first.meta.title.as_deref(), Some("One"));
            assert_eq!(
                block_texts(&first.blocks),
                [
                    "From the mountains we walked over the pass.",
                    "From the mountains we walked.",
                    "From here on: Subject: the new plan",
                    "The quoted plan. From ana@example.org Subject: not after a blank line",
                    "Still the first message.",
                    "From ana@example.org Note: bring boots."
                ]
            );
            let second = read_message(&messages[1]).unwrap();
            assert_eq!(second.meta.title.as_deref(), Some("Two"));
            assert_eq!(block_texts(&second.blocks), ["Second body."]);
        }
    }

    #[test]
    fn quoted_from_lines_lose_one_quote() {
        let mbox = b"From a Mon Jan  1 00:00:00 2001\nSubject: q\n\n>From here.\n>>From there.\n>Fromage.\n";
        let messages: Vec<Vec<u8>> = mbox_messages(mbox).map(|message| message.bytes).collect();
        assert_eq!(
            messages,
            [b"Subject: q\n\nFrom here.\n>From there.\n>Fromage.\n".to_vec()]
        );
    }
}
