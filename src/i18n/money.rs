//! Amounts of money as people read them: integer cents in euros, `€ 1.234,56`
//! in Dutch and `€1,234.56` in English.

use super::Lang;

/// `cents` euros in `lang`'s way.
pub fn money(lang: Lang, cents: i64) -> String {
    let (thousands, decimal, space) = match lang {
        Lang::Nl => ('.', ',', " "),
        Lang::En => (',', '.', ""),
    };
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(thousands);
        }
        grouped.push(c);
    }
    format!("{sign}€{space}{grouped}{decimal}{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        assert_eq!(money(Lang::Nl, 123_456), "€ 1.234,56");
        assert_eq!(money(Lang::En, 123_456), "€1,234.56");
        assert_eq!(money(Lang::Nl, 0), "€ 0,00");
        assert_eq!(money(Lang::En, 5), "€0.05");
        assert_eq!(money(Lang::Nl, 6250), "€ 62,50");
        assert_eq!(money(Lang::En, 12_345_678_900), "€123,456,789.00");
        assert_eq!(money(Lang::Nl, -150), "-€ 1,50");
    }
}
