//! Validating `[[correlation]]`: rank correlations between uncertain inputs, given pair by pair
//! (`inputs = [a, b]`, `rank = ρ`) or as a matrix (`matrix = { inputs, rank }`), assembled into
//! one matrix that must be a valid correlation matrix once turned into the normal correlations
//! the draws use (r = 2·sin(π·ρ/6)).

#[allow(unused_imports)]
use super::*;
use crate::scenario::raw::RawCorrelation;

impl Validator<'_> {
    pub(super) fn correlation(
        &self,
        raw: &[Spanned<RawCorrelation>],
        interventions: &[Intervention],
        logbook: &mut Vec<LogEntry>,
    ) -> R<Option<Correlation>> {
        if raw.is_empty() {
            return Ok(None);
        }
        let known: Vec<String> = interventions
            .iter()
            .flat_map(|iv| iv.input_names())
            .collect();
        let mut inputs: Vec<String> = Vec::new();
        // (a, b, ρ, where it was given)
        let mut given: Vec<(usize, usize, f64, String)> = Vec::new();
        let name_at = |s: &Spanned<String>, field: &str, inputs: &mut Vec<String>| {
            let n = s.get_ref();
            if !known.contains(n) {
                let hint = crate::text::did_you_mean(n, known.iter().map(String::as_str));
                return Err(self.at(
                    s,
                    field.to_string(),
                    format!(
                        "\"{n}\" is not an uncertain input of this file{hint}; inputs are named \
                         <intervention id>.success_rate, .costs, .prices or \
                         .consequences.<item id | area:<name> | all> as the \
                         [intervention.uncertainty] tables give them (this file's: {})",
                        match known.len() {
                            0 => "none".to_string(),
                            1..=12 => known.join(", "),
                            n => format!("{}, … ({n} in all)", known[..12].join(", ")),
                        }
                    ),
                ));
            }
            Ok(match inputs.iter().position(|x| x == n) {
                Some(i) => i,
                None => {
                    inputs.push(n.clone());
                    inputs.len() - 1
                }
            })
        };
        let check_rank = |v: &Spanned<toml::Value>, field: &str| -> R<f64> {
            let x = self.number(v, field)?;
            if !(-1.0..=1.0).contains(&x) {
                return Err(self.at(
                    v,
                    field.to_string(),
                    format!("a rank correlation lies between -1 and 1, got {x}"),
                ));
            }
            Ok(x)
        };
        for (n, c) in raw.iter().enumerate() {
            let f = format!("correlation[{}]", n + 1);
            let cr = c.get_ref();
            log(logbook, &f, &cr.note, &cr.source);
            match (&cr.inputs, &cr.rank, &cr.matrix) {
                (Some(ins), Some(rank), None) => {
                    let names = ins.get_ref();
                    if names.len() != 2 {
                        return Err(self.at(
                            ins,
                            format!("{f}.inputs"),
                            format!(
                                "a pair names two inputs, got {}; for more use matrix = {{ inputs = [...], rank = [[...], ...] }}",
                                names.len()
                            ),
                        ));
                    }
                    let a = name_at(&names[0], &format!("{f}.inputs"), &mut inputs)?;
                    let b = name_at(&names[1], &format!("{f}.inputs"), &mut inputs)?;
                    if a == b {
                        return Err(self.at(
                            ins,
                            format!("{f}.inputs"),
                            "an input is always fully correlated with itself: name two different inputs",
                        ));
                    }
                    given.push((a, b, check_rank(rank, &format!("{f}.rank"))?, f.clone()));
                }
                (None, None, Some(m)) => {
                    let mr = m.get_ref();
                    let idx: Vec<usize> = mr
                        .inputs
                        .get_ref()
                        .iter()
                        .map(|s| name_at(s, &format!("{f}.matrix.inputs"), &mut inputs))
                        .collect::<R<_>>()?;
                    let rows = mr.rank.get_ref();
                    if rows.len() != idx.len()
                        || rows.iter().any(|r| r.get_ref().len() != idx.len())
                    {
                        return Err(self.at(
                            &mr.rank,
                            format!("{f}.matrix.rank"),
                            format!(
                                "the matrix needs {0} rows of {0} numbers, one per input",
                                idx.len()
                            ),
                        ));
                    }
                    for (i, row) in rows.iter().enumerate() {
                        for (j, v) in row.get_ref().iter().enumerate() {
                            let field = format!("{f}.matrix.rank[{}][{}]", i + 1, j + 1);
                            let x = check_rank(v, &field)?;
                            if i == j && x != 1.0 {
                                return Err(self.at(
                                    v,
                                    field,
                                    format!("the diagonal is 1 (an input with itself), got {x}"),
                                ));
                            }
                            let y = self.number(&rows[j].get_ref()[i], &field)?;
                            if x != y {
                                return Err(self.at(
                                    v,
                                    field,
                                    format!("the matrix must be symmetric: row {} column {} is {x}, row {} column {} is {y}", i + 1, j + 1, j + 1, i + 1),
                                ));
                            }
                            if i < j {
                                given.push((idx[i], idx[j], x, f.clone()));
                            }
                        }
                    }
                }
                _ => {
                    return Err(self.at(
                        c,
                        f,
                        "give either inputs = [\"a.success_rate\", \"b.success_rate\"] with rank = 0.6, or matrix = { inputs = [...], rank = [[...], ...] }",
                    ));
                }
            }
        }
        let m = inputs.len();
        let mut rank = vec![vec![0.0; m]; m];
        let mut from: Vec<Vec<Option<&str>>> = vec![vec![None; m]; m];
        for (i, row) in rank.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        for (a, b, x, f) in &given {
            if let Some(earlier) = from[*a][*b]
                && rank[*a][*b] != *x
            {
                return Err(self.at(
                    &raw[0],
                    f.clone(),
                    format!(
                        "{} and {} are given two rank correlations ({} in {earlier}, {x} here)",
                        inputs[*a], inputs[*b], rank[*a][*b]
                    ),
                ));
            }
            rank[*a][*b] = *x;
            rank[*b][*a] = *x;
            from[*a][*b] = Some(f);
            from[*b][*a] = Some(f);
        }
        if let Err(k) =
            crate::analysis::mc::copula::cholesky(&crate::analysis::mc::copula::normal_of(&rank))
        {
            let with: Vec<&str> = (0..k)
                .filter(|&j| rank[k][j] != 0.0)
                .map(|j| inputs[j].as_str())
                .collect();
            return Err(self.at(
                &raw[0],
                "correlation",
                format!(
                    "these rank correlations cannot all hold at once (the matrix is not positive \
                     semi-definite): {} with {}; loosen one of them",
                    inputs[k],
                    with.join(", ")
                ),
            ));
        }
        Ok(Some(Correlation { inputs, rank }))
    }
}
