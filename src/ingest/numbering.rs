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
        self.numbers.truncate(level + 1);
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
                        let style = shown_level.style.unwrap_or(NumberStyle::Decimal);
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
    LowerLetter,
    UpperLetter,
    LowerRoman,
    UpperRoman,
}

impl NumberStyle {
    /// `number` as this style writes it. Letters run a…z, aa…zz as
    /// browsers and Word do; a number no letter or numeral writes (zero,
    /// a negative one, a Roman one past 3999) is written in digits.
    pub fn render(self, number: i64) -> String {
        match self {
            Self::Decimal => number.to_string(),
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
            _ => number.to_string(),
        }
    }
}

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
    fn counters_number_levels_and_begin_deeper_levels_again() {
        let level = |style, start, template: &str| Level {
            style,
            start,
            template: template.to_string(),
        };
        let levels = [
            level(Some(UpperRoman), 1, "%1."),
            level(Some(Decimal), 1, "%1.%2."),
            level(None, 1, "•"),
            level(Some(LowerLetter), 3, "(%4) 100%"),
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
            written(UpperRoman, &[1, 4, 9, 14, 40, 1994, 3999, 4000]),
            ["I", "IV", "IX", "XIV", "XL", "MCMXCIV", "MMMCMXCIX", "4000"]
        );
        assert_eq!(written(LowerRoman, &[3, 0]), ["iii", "0"]);
    }
}
