//! The numbers a reader sees before a list's items where the file stores
//! only the list's style (HTML's `<ol>`, Word's numbering definitions,
//! ODF's list styles): a ruling's considerations and a memo's points are
//! cited by them, so a passage keeps them (`3.`, `b)`, `IV.`).

/// One level of a numbered list: how its number is written (`None` for a
/// bulleted or unnumbered level), where it starts, and the marker's
/// template, where `%1`…`%9` stand for levels 1–9's numbers (`%1.%2.`,
/// `(%3)`, `Artículo %1.`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub style: Option<NumberStyle>,
    pub start: i64,
    pub template: String,
    /// Every number its marker shows is written in digits (Word's legal
    /// numbering, `w:isLgl`: `1.1` under a level written `I.`).
    pub in_digits: bool,
    /// It begins again when a level above this index counts an item:
    /// its own index (any level above it, the default), 0 for never
    /// (Word's `w:lvlRestart`).
    pub restart_below: usize,
}

impl Level {
    /// A level at `index` written in `style`, from `start`, as `template`.
    pub fn new(index: usize, style: Option<NumberStyle>, start: i64, template: String) -> Level {
        Level {
            style,
            start,
            template,
            in_digits: false,
            restart_below: index,
        }
    }
}

/// Where a numbered list's levels stand: the number each level gave last,
/// `None` for a level not begun since a higher one moved on.
#[derive(Default, Debug)]
pub struct Counters {
    numbers: Vec<Option<i64>>,
}

impl Counters {
    /// Makes the next item at `level` number `number` (an item that sets
    /// its own, ODF's `text:start-value`).
    pub fn restart_at(&mut self, level: usize, number: i64) {
        if self.numbers.len() <= level {
            self.numbers.resize(level + 1, None);
        }
        self.numbers[level] = Some(number.saturating_sub(1));
    }

    /// Counts an item at `level` (0 the outermost) of a list of `levels`,
    /// and gives its marker (`2.1.`), or `None` where the level writes no
    /// number. Deeper levels begin again after it.
    pub fn next(&mut self, levels: &[Level], level: usize) -> Option<String> {
        let this = levels.get(level)?;
        if self.numbers.len() <= level {
            self.numbers.resize(level + 1, None);
        }
        let number = self.numbers[level].map_or(this.start, |number| number.saturating_add(1));
        self.numbers[level] = Some(number);
        for (deeper, counted) in self.numbers.iter_mut().enumerate().skip(level + 1) {
            if levels
                .get(deeper)
                .is_none_or(|below| level < below.restart_below)
            {
                *counted = None;
            }
        }
        this.style?;
        let mut marker = String::new();
        let mut rest = this.template.as_str();
        while let Some(at) = rest.find('%') {
            marker.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            match after.as_bytes().first() {
                Some(digit @ b'1'..=b'9') => {
                    let shown = usize::from(digit - b'1');
                    if let Some(shown_level) = levels.get(shown) {
                        let number = self
                            .numbers
                            .get(shown)
                            .copied()
                            .flatten()
                            .unwrap_or(shown_level.start);
                        let style = match shown_level.style {
                            Some(style) if !this.in_digits => style,
                            _ => NumberStyle::Decimal,
                        };
                        marker.push_str(&style.render(number));
                    }
                    rest = &after[1..];
                }
                _ => {
                    marker.push('%');
                    rest = after;
                }
            }
        }
        marker.push_str(rest);
        let marker = marker.trim();
        (!marker.is_empty()).then(|| marker.to_string())
    }
}

/// How an item's number is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberStyle {
    Decimal,
    /// `01`…`09`, `10`: Word's `decimalZero`, CSS's `decimal-leading-zero`.
    DecimalZero,
    /// a…z, aa…az, ba…: browsers' letters.
    LowerLetter,
    UpperLetter,
    /// a…z, aa, bb…zz, aaa: Word's letters, and ODF's with letter sync.
    LowerLetterRepeated,
    UpperLetterRepeated,
    LowerRoman,
    UpperRoman,
    /// `*`, `†`, `‡`, `§`, then `**`, `††`…: Word's `chicago`, footnotes'
    /// symbols.
    Symbols,
}

impl NumberStyle {
    /// `number` as this style writes it; a number no letter or numeral
    /// writes (zero, a negative one, a Roman one past 3999) is written in
    /// digits.
    pub fn render(self, number: i64) -> String {
        match self {
            Self::Decimal => number.to_string(),
            Self::DecimalZero if (0..10).contains(&number) => format!("0{number}"),
            Self::DecimalZero => number.to_string(),
            Self::LowerLetterRepeated | Self::UpperLetterRepeated if number > 0 => {
                let letter = b'a' + ((number - 1) % 26) as u8;
                let times = ((number - 1) / 26 + 1).min(MAX_REPEATED_LETTERS) as usize;
                let word = String::from_utf8(vec![letter; times]).unwrap_or_default();
                if self == Self::UpperLetterRepeated {
                    word.to_ascii_uppercase()
                } else {
                    word
                }
            }
            Self::LowerLetter | Self::UpperLetter if number > 0 => {
                let mut letters = Vec::new();
                let mut rest = number;
                while rest > 0 {
                    rest -= 1;
                    letters.push(b'a' + (rest % 26) as u8);
                    rest /= 26;
                }
                letters.reverse();
                let word = String::from_utf8(letters).unwrap_or_default();
                if self == Self::UpperLetter {
                    word.to_ascii_uppercase()
                } else {
                    word
                }
            }
            Self::LowerRoman | Self::UpperRoman if (1..4000).contains(&number) => {
                let numeral = roman(number);
                if self == Self::LowerRoman {
                    numeral.to_ascii_lowercase()
                } else {
                    numeral
                }
            }
            Self::Symbols if number > 0 => {
                const SYMBOLS: [char; 4] = ['*', '†', '‡', '§'];
                let times = ((number - 1) / 4 + 1).min(MAX_REPEATED_LETTERS) as usize;
                SYMBOLS[((number - 1) % 4) as usize]
                    .to_string()
                    .repeat(times)
            }
            _ => number.to_string(),
        }
    }
}

/// How many times a repeated letter is written at most: past it, a list
/// has no reader.
const MAX_REPEATED_LETTERS: i64 = 64;

fn roman(mut number: i64) -> String {
    const DIGITS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while number >= value {
            out.push_str(digits);
            number -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::NumberStyle::*;
    use super::{Counters, Level};

    #[test]
    fn legal_numbering_writes_digits_and_a_level_may_never_begin_again() {
        let mut legal = Level::new(1, Some(LowerLetter), 1, "%1.%2".to_string());
        legal.in_digits = true;
        let mut never = Level::new(2, Some(LowerLetter), 1, "%3)".to_string());
        never.restart_below = 0;
        let levels = [
            Level::new(0, Some(UpperRoman), 1, "%1.".to_string()),
            legal,
            never,
        ];
        let mut counters = Counters::default();
        let markers: Vec<Option<String>> = [0, 1, 2, 0, 1, 2]
            .iter()
            .map(|&at| counters.next(&levels, at))
            .collect();
        let expected = ["I.", "1.1", "a)", "II.", "2.1", "b)"];
        assert_eq!(markers, expected.map(|marker| Some(marker.to_string())));
    }

    #[test]
    fn counters_number_levels_and_begin_deeper_levels_again() {
        let levels = [
            Level::new(0, Some(UpperRoman), 1, "%1.".to_string()),
            Level::new(1, Some(Decimal), 1, "%1.%2.".to_string()),
            Level::new(2, None, 1, "•".to_string()),
            Level::new(3, Some(LowerLetter), 3, "(%4) 100%".to_string()),
        ];
        let mut counters = Counters::default();
        let markers: Vec<Option<String>> = [0, 1, 1, 2, 0, 1, 3, 3, 7]
            .iter()
            .map(|&at| counters.next(&levels, at))
            .collect();
        let expected = [
            Some("I."),
            Some("I.1."),
            Some("I.2."),
            None,
            Some("II."),
            Some("II.1."),
            Some("(c) 100%"),
            Some("(d) 100%"),
            None,
        ];
        assert_eq!(markers, expected.map(|marker| marker.map(String::from)));
    }

    #[test]
    fn each_style_writes_numbers_as_a_reader_sees_them() {
        let written = |style: super::NumberStyle, numbers: &[i64]| {
            numbers.iter().map(|&n| style.render(n)).collect::<Vec<_>>()
        };
        assert_eq!(written(Decimal, &[1, 10, 0, -2]), ["1", "10", "0", "-2"]);
        assert_eq!(
            written(LowerLetter, &[1, 26, 27, 52, 703, 0]),
            ["a", "z", "aa", "az", "aaa", "0"]
        );
        assert_eq!(written(UpperLetter, &[2, 28]), ["B", "AB"]);
        assert_eq!(
            written(LowerLetterRepeated, &[1, 26, 27, 28, 53, 0]),
            ["a", "z", "aa", "bb", "aaa", "0"]
        );
        assert_eq!(written(UpperLetterRepeated, &[28]), ["BB"]);
        assert_eq!(
            written(DecimalZero, &[1, 9, 10, 123, -1]),
            ["01", "09", "10", "123", "-1"]
        );
        assert_eq!(
            written(UpperRoman, &[1, 4, 9, 14, 40, 1994, 3999, 4000]),
            ["I", "IV", "IX", "XIV", "XL", "MCMXCIV", "MMMCMXCIX", "4000"]
        );
        assert_eq!(written(LowerRoman, &[3, 0]), ["iii", "0"]);
    }
}
