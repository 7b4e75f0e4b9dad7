//! Grid dimensions (`--vary name=spec` and `[[grid]] vary = […]`): which input varies over which
//! values. `spec` is `from:to:step` (inclusive, numbers) or a comma list (`5,8,10`, or ids for
//! `target_group` and `success_goal`).

use serde::Serialize;

/// An input a grid can vary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Param {
    /// The success rate (share).
    SuccessRate,
    /// Starters per year on average (the profile over the years is kept; costs are not changed).
    Participants,
    /// Factor on the intervention costs.
    CostFactor,
    /// Factor on all consequence values (and `during`).
    ConsequenceFactor,
    /// Factor on the consequence values of one area.
    AreaFactor(String),
    /// Length of the result period in years from the start year.
    Period,
    /// Discount rate.
    DiscountRate,
    /// Price year.
    PriceYear,
    /// Knowledge-base target group.
    TargetGroup,
    /// Success goal.
    SuccessGoal,
}

/// The names `--vary` accepts.
pub const NAMES: [&str; 10] = [
    "success_rate",
    "participants",
    "cost_factor",
    "consequence_factor",
    "consequence_factor:<area>",
    "period",
    "discount_rate",
    "price_year",
    "target_group",
    "success_goal",
];

/// A value of a dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A number.
    Num(f64),
    /// An id.
    Text(String),
}

impl Value {
    /// The number (0 for text).
    pub fn num(&self) -> f64 {
        match self {
            Value::Num(x) => *x,
            Value::Text(_) => 0.0,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Num(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s}"),
        }
    }
}

/// One dimension of a grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    /// As written, e.g. `consequence_factor:sundhedsydelser`.
    pub name: String,
    /// What varies.
    #[serde(skip)]
    pub param: Param,
    /// The values, in order.
    pub values: Vec<Value>,
}

impl Param {
    /// Whether the parameter changes the knowledge-base lookup or the settings (the scenario is
    /// rebuilt for each value) rather than entering the linear form.
    pub fn structural(&self) -> bool {
        matches!(
            self,
            Param::DiscountRate | Param::PriceYear | Param::TargetGroup | Param::SuccessGoal
        )
    }
}

/// A grid dimension that cannot be read, in words (what was given, what is expected).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct VaryError(pub String);

fn number(s: &str, name: &str) -> Result<f64, VaryError> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| VaryError(format!("{name}: \"{s}\" is not a number")))
}

/// Parses `name=spec` with the default limit on grid points.
pub fn parse(text: &str) -> Result<Dimension, VaryError> {
    parse_within(text, &crate::limits::Limits::default())
}

/// Parses `name=spec`; a range with more values than the grid-point limit is refused.
pub fn parse_within(text: &str, limits: &crate::limits::Limits) -> Result<Dimension, VaryError> {
    let Some((name, spec)) = text.split_once('=') else {
        return Err(VaryError(format!(
            "\"{text}\": expected NAME=FROM:TO:STEP or NAME=V1,V2,… (e.g. success_rate=0.05:0.30:0.01 or period=5,8,10); names: {}",
            NAMES.join(", ")
        )));
    };
    let name = name.trim();
    let param = match name {
        "success_rate" => Param::SuccessRate,
        "participants" => Param::Participants,
        "cost_factor" => Param::CostFactor,
        "consequence_factor" => Param::ConsequenceFactor,
        "period" => Param::Period,
        "discount_rate" => Param::DiscountRate,
        "price_year" => Param::PriceYear,
        "target_group" => Param::TargetGroup,
        "success_goal" => Param::SuccessGoal,
        other => match other.strip_prefix("consequence_factor:") {
            Some(area) if !area.trim().is_empty() => Param::AreaFactor(area.trim().to_string()),
            _ => {
                return Err(VaryError(format!(
                    "unknown grid input \"{other}\"{}; names: {}",
                    crate::text::suggest(other, NAMES)
                        .map(|s| format!(" (did you mean \"{s}\"?)"))
                        .unwrap_or_default(),
                    NAMES.join(", ")
                )));
            }
        },
    };
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(VaryError(format!("{name}: no values after '='")));
    }
    let values: Vec<Value> = if matches!(param, Param::TargetGroup | Param::SuccessGoal) {
        spec.split(',')
            .map(|s| Value::Text(s.trim().to_string()))
            .collect()
    } else if spec.contains(':') {
        let parts: Vec<&str> = spec.split(':').collect();
        let [a, b, step] = parts.as_slice() else {
            return Err(VaryError(format!(
                "{name}={spec}: a range is FROM:TO:STEP, e.g. 0.05:0.30:0.01"
            )));
        };
        let (a, b, step) = (number(a, name)?, number(b, name)?, number(step, name)?);
        if step <= 0.0 || b < a {
            return Err(VaryError(format!(
                "{name}={spec}: a range needs FROM ≤ TO and STEP > 0"
            )));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize + 1;
        limits
            .check(&crate::limits::GRID_POINTS, n as u64)
            .map_err(|e| VaryError(format!("{name}={spec}: {e}")))?;
        // computed from the index (no drift), rounded to 12 decimals
        (0..n)
            .map(|i| Value::Num(((a + i as f64 * step) * 1e12).round() / 1e12))
            .collect()
    } else {
        spec.split(',')
            .map(|s| number(s, name).map(Value::Num))
            .collect::<Result<_, _>>()?
    };
    for v in &values {
        let x = v.num();
        let bad = match param {
            Param::SuccessRate => !(0.0..=1.0).contains(&x),
            Param::Participants
            | Param::CostFactor
            | Param::ConsequenceFactor
            | Param::AreaFactor(_) => x < 0.0,
            Param::Period => x < 1.0 || x.fract() != 0.0 || x > 200.0,
            Param::DiscountRate => x <= -1.0,
            Param::PriceYear => x.fract() != 0.0 || !(1900.0..=2200.0).contains(&x),
            Param::TargetGroup | Param::SuccessGoal => {
                matches!(v, Value::Text(s) if s.is_empty())
            }
        };
        if bad {
            let expected = match param {
                Param::Period => "a whole number of years from 1 to 200",
                Param::DiscountRate => "a rate above −1 (e.g. 0.04)",
                Param::PriceYear => "a year such as 2024",
                Param::TargetGroup | Param::SuccessGoal => "an id",
                Param::SuccessRate => "a share from 0 to 1",
                _ => "a number ≥ 0",
            };
            return Err(VaryError(format!(
                "{name}: value {v} is not allowed; expected {expected}"
            )));
        }
    }
    Ok(Dimension {
        name: name.to_string(),
        param,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists() {
        let d = parse("success_rate=0.05:0.30:0.05").unwrap();
        assert_eq!(d.values.len(), 6);
        assert_eq!(d.values[5], Value::Num(0.3));
        let d = parse("period=5,8,10").unwrap();
        assert_eq!(
            d.values,
            vec![Value::Num(5.0), Value::Num(8.0), Value::Num(10.0)]
        );
        let d = parse("consequence_factor:sundhedsydelser=0.8,1.2").unwrap();
        assert_eq!(d.param, Param::AreaFactor("sundhedsydelser".into()));
        let d = parse("target_group=hjemloese,adhd-voksne").unwrap();
        assert_eq!(d.values[1], Value::Text("adhd-voksne".into()));
    }

    #[test]
    fn bad_specs_say_what_is_expected() {
        assert!(
            parse("success_rate")
                .unwrap_err()
                .0
                .contains("NAME=FROM:TO:STEP")
        );
        assert!(
            parse("sucess_rate=0.1")
                .unwrap_err()
                .0
                .contains("did you mean \"success_rate\"")
        );
        assert!(
            parse("success_rate=0.3:0.1:0.1")
                .unwrap_err()
                .0
                .contains("FROM ≤ TO")
        );
        assert!(
            parse("success_rate=0.1:0.3")
                .unwrap_err()
                .0
                .contains("FROM:TO:STEP")
        );
        assert!(parse("period=2.5").unwrap_err().0.contains("whole number"));
        assert!(
            parse("cost_factor=a,b")
                .unwrap_err()
                .0
                .contains("not a number")
        );
        assert!(parse("cost_factor=").unwrap_err().0.contains("no values"));
        assert!(
            parse("success_rate=0:1:0")
                .unwrap_err()
                .0
                .contains("STEP > 0")
        );
    }
}
