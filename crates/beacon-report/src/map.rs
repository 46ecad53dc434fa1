//! The district map: a choropleth of the area's districts drawn server-side as an
//! accessible SVG, coloured by reports per 100,000 residents.
//!
//! Boundaries come in as GeoJSON text (WGS84 lon/lat, `Polygon` or `MultiPolygon`
//! features whose `properties.lad_code` is the ONS code). They are projected with a
//! simple equirectangular projection, longitude scaled by the cosine of the mean
//! latitude: across an area this small (about 100 km) the distortion is negligible,
//! so no map-projection library is needed. Coordinates are rounded to one decimal
//! place to keep the SVG small.
//!
//! Colour uses five equal-interval classes between the lowest and highest rate, on a
//! sequential single-hue blue palette (ColorBrewer "Blues"), with white 1px borders.
//! Districts with no value are hatched grey. Colour never carries meaning alone: the
//! legend gives each class's range as text and every district's `<title>` gives its
//! value; the district table beside the map is its data table.
//!
//! Every id in the map starts with `district-map-` (each district's path is
//! `district-map-area-<code>`), so it can share a page with the charts, and it is styled
//! with presentation attributes only, never `style=`, for pages that forbid inline styles.

use crate::charts::escape;
use crate::wording;
use serde_json::Value;
use std::fmt::Write as _;

/// Why the map could not be drawn.
#[derive(Debug)]
pub enum MapError {
    /// The text is not JSON.
    Json(serde_json::Error),
    /// The JSON is not a usable GeoJSON `FeatureCollection` of district polygons.
    Shape(String),
}

impl std::fmt::Display for MapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Json(error) => write!(f, "boundaries are not JSON: {error}"),
            Self::Shape(what) => write!(f, "boundaries are not usable GeoJSON: {what}"),
        }
    }
}

impl std::error::Error for MapError {}

/// The five class colours, lightest (lowest rates) first.
pub const PALETTE: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

/// Width of the SVG's viewBox.
const WIDTH: f64 = 520.0;
/// Height of the SVG's viewBox.
const HEIGHT: f64 = 360.0;
/// Space around the map.
const PAD: f64 = 10.0;
/// Width (and height) of the square the map is fitted into.
const MAP: f64 = HEIGHT - 2.0 * PAD;

/// One district's outline: rings of (lon, lat) points.
struct District {
    /// ONS code.
    code: String,
    /// Rings, each a list of (lon, lat).
    rings: Vec<Vec<(f64, f64)>>,
}

/// Reads a position `[lon, lat]`.
fn position(value: &Value) -> Result<(f64, f64), MapError> {
    let pair = value.as_array().filter(|p| p.len() >= 2);
    match pair.map(|p| (p[0].as_f64(), p[1].as_f64())) {
        Some((Some(lon), Some(lat))) if lon.is_finite() && lat.is_finite() => Ok((lon, lat)),
        _ => Err(MapError::Shape("a position is not [lon, lat]".to_owned())),
    }
}

/// Reads a polygon's rings.
fn polygon(value: &Value, rings: &mut Vec<Vec<(f64, f64)>>) -> Result<(), MapError> {
    let shape = || MapError::Shape("a polygon is not a list of rings".to_owned());
    for ring in value.as_array().ok_or_else(shape)? {
        let points = ring
            .as_array()
            .ok_or_else(shape)?
            .iter()
            .map(position)
            .collect::<Result<Vec<_>, _>>()?;
        rings.push(points);
    }
    Ok(())
}

/// Parses the features.
fn parse(geojson: &str) -> Result<Vec<District>, MapError> {
    let root: Value = serde_json::from_str(geojson).map_err(MapError::Json)?;
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| MapError::Shape("no features list".to_owned()))?;
    let mut districts = Vec::new();
    for feature in features {
        let code = feature
            .pointer("/properties/lad_code")
            .and_then(Value::as_str)
            .ok_or_else(|| MapError::Shape("a feature has no properties.lad_code".to_owned()))?;
        let geometry = feature
            .get("geometry")
            .ok_or_else(|| MapError::Shape(format!("{code} has no geometry")))?;
        let coordinates = geometry
            .get("coordinates")
            .ok_or_else(|| MapError::Shape(format!("{code} has no coordinates")))?;
        let mut rings = Vec::new();
        match geometry.get("type").and_then(Value::as_str) {
            Some("Polygon") => polygon(coordinates, &mut rings)?,
            Some("MultiPolygon") => {
                for part in coordinates
                    .as_array()
                    .ok_or_else(|| MapError::Shape(format!("{code} is not a MultiPolygon")))?
                {
                    polygon(part, &mut rings)?;
                }
            }
            _ => return Err(MapError::Shape(format!("{code} is not a polygon"))),
        }
        districts.push(District {
            code: code.to_owned(),
            rings,
        });
    }
    if districts.iter().all(|d| d.rings.iter().all(Vec::is_empty)) {
        return Err(MapError::Shape("no district has any points".to_owned()));
    }
    Ok(districts)
}

/// A rate written with one decimal place and thousands separators: 441.8, 1,234.5.
fn rate_text(value: f64) -> String {
    let tenths = (value * 10.0).round().max(0.0);
    // Rates are far below u64::MAX; the cast saturates in any case.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    wording::tenths(tenths as u64)
}

/// Five equal-interval class breaks: the lower bound of each class and the overall
/// maximum. `None` when there are no values.
fn breaks(values: &[f64]) -> Option<(f64, f64)> {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min.is_finite() && max.is_finite()).then_some((min, max))
}

/// The class (0–4) of a value between `min` and `max`, five equal intervals; the top
/// of each interval belongs to the class above, and `max` to the top class.
pub fn class_of(value: f64, min: f64, max: f64) -> usize {
    if max <= min {
        return 0;
    }
    let position = ((value - min) / (max - min) * 5.0).floor();
    // position is finite and clamped to 0..=4 before the cast.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let class = position.clamp(0.0, 4.0) as usize;
    class
}

/// Draws the district map. `values` holds (ONS code, name, rate per 100,000 residents)
/// for each district; a district in the boundaries but not in `values`, or with no rate,
/// is shown as "no data".
///
/// # Errors
/// [`MapError`] when the boundaries are not GeoJSON polygons with `lad_code` properties.
pub fn district_map(
    boundaries_geojson: &str,
    values: &[(String, String, Option<f64>)],
) -> Result<String, MapError> {
    let districts = parse(boundaries_geojson)?;
    let points = || districts.iter().flat_map(|d| d.rings.iter().flatten());
    let (mut lon_min, mut lon_max, mut lat_min, mut lat_max) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(lon, lat) in points() {
        lon_min = lon_min.min(lon);
        lon_max = lon_max.max(lon);
        lat_min = lat_min.min(lat);
        lat_max = lat_max.max(lat);
    }
    // Equirectangular: x = lon · cos(mean latitude), y = −lat. Fine at county scale.
    let k = ((lat_min + lat_max) / 2.0).to_radians().cos();
    let span_x = ((lon_max - lon_min) * k).max(f64::EPSILON);
    let span_y = (lat_max - lat_min).max(f64::EPSILON);
    let scale = MAP / span_x.max(span_y);
    let off_x = PAD + (MAP - span_x * scale) / 2.0;
    let off_y = PAD + (MAP - span_y * scale) / 2.0;
    let project = |(lon, lat): (f64, f64)| {
        (
            off_x + (lon - lon_min) * k * scale,
            off_y + (lat_max - lat) * scale,
        )
    };

    let rated: Vec<f64> = values
        .iter()
        .filter_map(|(_, _, v)| v.filter(|v| v.is_finite()))
        .collect();
    let range = breaks(&rated);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-size=\"14\" role=\"img\" aria-labelledby=\"district-map-title district-map-desc\" class=\"chart map\">\
<title id=\"district-map-title\">Map of reports per 100,000 residents by district</title>\
<desc id=\"district-map-desc\">A map of the area's districts shaded in five equal-interval classes from light blue (lowest rate) to dark blue (highest rate); hatched grey districts have no data. The table of districts gives every value.</desc>\
<defs><pattern id=\"district-map-nodata\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#dddddd\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#767676\" stroke-width=\"1.5\"/></pattern></defs>\
<g stroke=\"#ffffff\" stroke-width=\"1\" stroke-linejoin=\"round\">"
    );
    // Each district's path has an id (for a page's stylesheet or links), starting with
    // `district-map-area-` so it cannot meet the map's other ids; a code given twice keeps
    // its id on its first outline only, so ids stay unique.
    let mut ids = std::collections::HashSet::new();
    for district in &districts {
        let found = values.iter().find(|(code, _, _)| *code == district.code);
        let name = found.map_or(district.code.as_str(), |(_, name, _)| name.as_str());
        let value = found.and_then(|(_, _, v)| v.filter(|v| v.is_finite()));
        let (fill, label) = match (value, range) {
            (Some(v), Some((min, max))) => (
                PALETTE[class_of(v, min, max)].to_owned(),
                format!("{name}: {} per 100,000", rate_text(v)),
            ),
            _ => (
                "url(#district-map-nodata)".to_owned(),
                format!("{name}: no data"),
            ),
        };
        let mut d = String::new();
        for ring in &district.rings {
            for (i, &point) in ring.iter().enumerate() {
                let (x, y) = project(point);
                let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
            }
            if !ring.is_empty() {
                d.push('Z');
            }
        }
        let code = escape(&district.code);
        let id = if !code.contains(char::is_whitespace) && ids.insert(code.clone()) {
            format!(" id=\"district-map-area-{code}\"")
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            "<path{id} data-code=\"{code}\" fill=\"{fill}\" fill-rule=\"evenodd\" d=\"{d}\"><title>{}</title></path>",
            escape(&label)
        );
    }
    svg.push_str("</g>");

    // Legend: class ranges as text, then "no data".
    let lx = HEIGHT + 10.0;
    let mut ly = 30.0;
    let _ = write!(
        svg,
        "<text x=\"{lx}\" y=\"{ly}\" font-weight=\"bold\">Per 100,000</text>"
    );
    ly += 14.0;
    if let Some((min, max)) = range {
        let step = (max - min) / 5.0;
        let classes = if max > min { 5 } else { 1 };
        for (class, colour) in PALETTE.iter().enumerate().take(classes) {
            let low = min + step * f64::from(u8::try_from(class).unwrap_or(0));
            let high = if class + 1 == classes {
                max
            } else {
                low + step
            };
            let _ = write!(
                svg,
                "<rect x=\"{lx}\" y=\"{ly}\" width=\"18\" height=\"14\" fill=\"{colour}\" stroke=\"#0b0c0c\" stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{:.1}\">{} to {}</text>",
                lx + 24.0,
                ly + 11.0,
                rate_text(low),
                rate_text(high)
            );
            ly += 20.0;
        }
    }
    let _ = write!(
        svg,
        "<rect x=\"{lx}\" y=\"{ly}\" width=\"18\" height=\"14\" fill=\"url(#district-map-nodata)\" stroke=\"#0b0c0c\" stroke-width=\"0.5\"/><text x=\"{:.1}\" y=\"{:.1}\">No data</text></svg>",
        lx + 24.0,
        ly + 11.0
    );
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../data/reference/llr_districts.geojson");
    const CODES: [&str; 9] = [
        "E06000016",
        "E06000017",
        "E07000129",
        "E07000130",
        "E07000131",
        "E07000132",
        "E07000133",
        "E07000134",
        "E07000135",
    ];

    fn values(rates: &[f64]) -> Vec<(String, String, Option<f64>)> {
        CODES
            .iter()
            .zip(rates)
            .map(|(code, rate)| ((*code).to_owned(), format!("D{code}"), Some(*rate)))
            .collect()
    }

    fn path_of<'a>(svg: &'a str, code: &str) -> &'a str {
        let start = svg
            .find(&format!("<path id=\"district-map-area-{code}\""))
            .expect("the district has a path");
        let end = svg[start..].find("</path>").expect("the path closes") + start;
        &svg[start..end]
    }

    #[test]
    fn shipped_file_gives_nine_paths_with_codes() {
        let svg = district_map(SHIPPED, &values(&[0.0; 9])).expect("shipped file parses");
        assert_eq!(svg.matches("<path ").count(), 9);
        for code in CODES {
            assert!(svg.contains(&format!("data-code=\"{code}\"")), "{code}");
        }
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"district-map-title\">"));
        assert!(svg.contains("<desc "));
    }

    #[test]
    fn classes_are_equal_intervals() {
        assert_eq!(class_of(0.0, 0.0, 100.0), 0);
        assert_eq!(class_of(19.9, 0.0, 100.0), 0);
        assert_eq!(class_of(20.0, 0.0, 100.0), 1);
        assert_eq!(class_of(59.0, 0.0, 100.0), 2);
        assert_eq!(class_of(99.0, 0.0, 100.0), 4);
        assert_eq!(class_of(100.0, 0.0, 100.0), 4);
        assert_eq!(class_of(5.0, 5.0, 5.0), 0);
        let svg = district_map(
            SHIPPED,
            &values(&[
                0.0,
                10.0,
                30.0,
                50.0,
                70.0,
                100.0,
                90.0,
                45.0,
                441.8 / 4.418,
            ]),
        )
        .expect("parses");
        assert!(path_of(&svg, "E06000016").contains(PALETTE[0]));
        assert!(path_of(&svg, "E07000129").contains(PALETTE[1]));
        assert!(path_of(&svg, "E07000130").contains(PALETTE[2]));
        assert!(path_of(&svg, "E07000131").contains(PALETTE[3]));
        assert!(path_of(&svg, "E07000132").contains(PALETTE[4]));
        assert!(path_of(&svg, "E07000135").contains("DE07000135: 100.0 per 100,000"));
        assert!(svg.contains("0.0 to 20.0"));
        assert!(svg.contains("80.0 to 100.0"));
    }

    #[test]
    fn missing_district_is_no_data() {
        let mut rates = values(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        rates.retain(|(code, _, _)| code != "E06000017");
        rates[0].2 = None;
        let svg = district_map(SHIPPED, &rates).expect("parses");
        assert!(path_of(&svg, "E06000017").contains("url(#district-map-nodata)"));
        assert!(path_of(&svg, "E06000017").contains("E06000017: no data"));
        assert!(path_of(&svg, "E06000016").contains("url(#district-map-nodata)"));
        assert!(svg.contains("No data"));
    }

    #[test]
    fn hostile_names_are_escaped() {
        let mut rates = values(&[1.0; 9]);
        rates[0].1 = "<script>alert(\"x\")</script> & co".to_owned();
        let svg = district_map(SHIPPED, &rates).expect("parses");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"));
    }

    #[test]
    fn invalid_geojson_is_an_error() {
        assert!(matches!(
            district_map("not json", &[]),
            Err(MapError::Json(_))
        ));
        assert!(matches!(district_map("{}", &[]), Err(MapError::Shape(_))));
        assert!(matches!(
            district_map(
                r#"{"features":[{"properties":{"lad_code":"X"},"geometry":{"type":"Point","coordinates":[0,0]}}]}"#,
                &[]
            ),
            Err(MapError::Shape(_))
        ));
    }
}
