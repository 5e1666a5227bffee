//! The parameter styles fixture's client (tests/fixtures/rules/39-parameter-styles.yaml)
//! against a loopback server that records each request's bytes: every cell of the "Style
//! Examples" table of the OpenAPI 3.1 Parameter Object, and the header, cookie, `content` and
//! form-encoding cases, byte for byte.

use std::collections::BTreeMap;

use styles::types::*;
use styles::{Client, RequestOptions};

use crate::recording::Recording;

/// A loopback server answering `204` to every request, keeping each request's bytes.
struct Recorder(Recording);

impl std::ops::Deref for Recorder {
    type Target = Recording;

    fn deref(&self) -> &Recording {
        &self.0
    }
}

impl Recorder {
    async fn start() -> Recorder {
        Recorder(Recording::start(|_| b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n".to_vec()).await)
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.url)
            .options(RequestOptions::default().max_retries(0))
            .build()
            .expect("client builds")
    }
}

fn array() -> Vec<String> {
    ["blue", "black", "brown"].map(str::to_owned).to_vec()
}

fn rgb() -> Rgb {
    Rgb::new(100, 200, 150)
}

#[tokio::test]
async fn path_parameters_in_matrix_label_and_simple_style() {
    let server = Recorder::start().await;
    let c = server.client();
    let cells: Vec<(String, &str)> = vec![
        (c.path().matrix_flat_empty("").await.map(|()| server.target()).unwrap(), "GET /path/matrix/flat/empty/;color"),
        (
            c.path().matrix_flat_string("blue").await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/flat/string/;color=blue",
        ),
        (
            c.path().matrix_flat_array(&array()).await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/flat/array/;color=blue,black,brown",
        ),
        (
            c.path().matrix_flat_object(&rgb()).await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/flat/object/;color=R,100,G,200,B,150",
        ),
        (
            c.path().matrix_exploded_empty("").await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/exploded/empty/;color",
        ),
        (
            c.path().matrix_exploded_string("blue").await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/exploded/string/;color=blue",
        ),
        (
            c.path().matrix_exploded_array(&array()).await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/exploded/array/;color=blue;color=black;color=brown",
        ),
        (
            c.path().matrix_exploded_object(&rgb()).await.map(|()| server.target()).unwrap(),
            "GET /path/matrix/exploded/object/;R=100;G=200;B=150",
        ),
        // The table's `.`: a path segment of a lone `.` (or `%2E`) is a dot segment, which every
        // URL parser (reqwest's included) removes, so an empty label value alone in a segment
        // cannot be sent as written; it goes as an empty segment.
        (c.path().label_flat_empty("").await.map(|()| server.target()).unwrap(), "GET /path/label/flat/empty/"),
        (
            c.path().label_flat_string("blue").await.map(|()| server.target()).unwrap(),
            "GET /path/label/flat/string/.blue",
        ),
        (
            c.path().label_flat_array(&array()).await.map(|()| server.target()).unwrap(),
            "GET /path/label/flat/array/.blue,black,brown",
        ),
        (
            c.path().label_flat_object(&rgb()).await.map(|()| server.target()).unwrap(),
            "GET /path/label/flat/object/.R,100,G,200,B,150",
        ),
        (c.path().label_exploded_empty("").await.map(|()| server.target()).unwrap(), "GET /path/label/exploded/empty/"),
        (
            c.path().label_exploded_string("blue").await.map(|()| server.target()).unwrap(),
            "GET /path/label/exploded/string/.blue",
        ),
        (
            c.path().label_exploded_array(&array()).await.map(|()| server.target()).unwrap(),
            "GET /path/label/exploded/array/.blue.black.brown",
        ),
        (
            c.path().label_exploded_object(&rgb()).await.map(|()| server.target()).unwrap(),
            "GET /path/label/exploded/object/.R=100.G=200.B=150",
        ),
        (
            c.path().simple_flat_string("blue").await.map(|()| server.target()).unwrap(),
            "GET /path/simple/flat/string/blue",
        ),
        (
            c.path().simple_flat_array(&array()).await.map(|()| server.target()).unwrap(),
            "GET /path/simple/flat/array/blue,black,brown",
        ),
        (
            c.path().simple_flat_object(&rgb()).await.map(|()| server.target()).unwrap(),
            "GET /path/simple/flat/object/R,100,G,200,B,150",
        ),
        (
            c.path().simple_exploded_string("blue").await.map(|()| server.target()).unwrap(),
            "GET /path/simple/exploded/string/blue",
        ),
        (
            c.path().simple_exploded_array(&array()).await.map(|()| server.target()).unwrap(),
            "GET /path/simple/exploded/array/blue,black,brown",
        ),
        (
            c.path().simple_exploded_object(&rgb()).await.map(|()| server.target()).unwrap(),
            "GET /path/simple/exploded/object/R=100,G=200,B=150",
        ),
    ];
    for (sent, wanted) in cells {
        assert_eq!(sent, wanted);
    }
}

#[tokio::test]
async fn query_parameters_in_form_delimited_and_deep_object_style() {
    let server = Recorder::start().await;
    let c = server.client();
    let t = |_: ()| server.target();
    let cells: Vec<(String, &str)> = vec![
        (
            c.query().form_flat_empty(&QueryFormFlatEmptyParams::new("")).await.map(t).unwrap(),
            "GET /query/form/flat/empty?color=",
        ),
        (
            c.query().form_flat_string(&QueryFormFlatStringParams::new("blue")).await.map(t).unwrap(),
            "GET /query/form/flat/string?color=blue",
        ),
        (
            c.query().form_flat_array(&QueryFormFlatArrayParams::new(array())).await.map(t).unwrap(),
            "GET /query/form/flat/array?color=blue,black,brown",
        ),
        (
            c.query().form_flat_object(&QueryFormFlatObjectParams::new(rgb())).await.map(t).unwrap(),
            "GET /query/form/flat/object?color=R,100,G,200,B,150",
        ),
        (
            c.query().form_exploded_empty(&QueryFormExplodedEmptyParams::new("")).await.map(t).unwrap(),
            "GET /query/form/exploded/empty?color=",
        ),
        (
            c.query().form_exploded_string(&QueryFormExplodedStringParams::new("blue")).await.map(t).unwrap(),
            "GET /query/form/exploded/string?color=blue",
        ),
        (
            c.query().form_exploded_array(&QueryFormExplodedArrayParams::new(array())).await.map(t).unwrap(),
            "GET /query/form/exploded/array?color=blue&color=black&color=brown",
        ),
        (
            c.query().form_exploded_object(&QueryFormExplodedObjectParams::new(rgb())).await.map(t).unwrap(),
            "GET /query/form/exploded/object?R=100&G=200&B=150",
        ),
        (
            c.query()
                .space_delimited_flat_array(&QuerySpaceDelimitedFlatArrayParams::new(array()))
                .await
                .map(t)
                .unwrap(),
            "GET /query/spaceDelimited/flat/array?color=blue%20black%20brown",
        ),
        (
            c.query()
                .space_delimited_flat_object(&QuerySpaceDelimitedFlatObjectParams::new(rgb()))
                .await
                .map(t)
                .unwrap(),
            "GET /query/spaceDelimited/flat/object?color=R%20100%20G%20200%20B%20150",
        ),
        (
            c.query().pipe_delimited_flat_array(&QueryPipeDelimitedFlatArrayParams::new(array())).await.map(t).unwrap(),
            "GET /query/pipeDelimited/flat/array?color=blue|black|brown",
        ),
        (
            c.query().pipe_delimited_flat_object(&QueryPipeDelimitedFlatObjectParams::new(rgb())).await.map(t).unwrap(),
            "GET /query/pipeDelimited/flat/object?color=R|100|G|200|B|150",
        ),
        (
            c.query()
                .deep_object_exploded_object(&QueryDeepObjectExplodedObjectParams::new(rgb()))
                .await
                .map(t)
                .unwrap(),
            "GET /query/deepObject/exploded/object?color[R]=100&color[G]=200&color[B]=150",
        ),
    ];
    for (sent, wanted) in cells {
        assert_eq!(sent, wanted);
    }
}

#[tokio::test]
async fn headers_cookies_content_and_reserved_characters() {
    let server = Recorder::start().await;
    let c = server.client();
    c.header().retrieve(&HeadersParams::new(array(), array(), rgb(), rgb())).await.unwrap();
    // Simple style: one header line each, an array's items joined by commas either way.
    assert_eq!(server.header("x-array"), ["blue,black,brown"]);
    assert_eq!(server.header("x-array-exploded"), ["blue,black,brown"]);
    assert_eq!(server.header("x-object"), ["R,100,G,200,B,150"]);
    assert_eq!(server.header("x-object-exploded"), ["R=100,G=200,B=150"]);

    c.cookie().retrieve(&CookiesParams::new("dark blue", array(), rgb())).await.unwrap();
    assert_eq!(server.header("cookie"), ["color=dark%20blue; list=blue,black,brown; R=100; G=200; B=150"]);

    c.content().retrieve(&ContentParams::new(rgb()).next("/a?b=c%20d&e")).await.unwrap();
    assert_eq!(
        server.target(),
        "GET /content?filter=%7B%22R%22%3A100%2C%22G%22%3A200%2C%22B%22%3A150%7D&next=/a?b=c%20d&e"
    );
}

#[tokio::test]
async fn form_fields_are_written_as_their_encoding_says() {
    let server = Recorder::start().await;
    let c = server.client();
    let order = Order::new("a b")
        .metadata(BTreeMap::from([("plan".to_owned(), "pro".to_owned()), ("team".to_owned(), "x&y".to_owned())]))
        .items(vec![Item::new("price_1").quantity(2), Item::new("price_2")])
        .tags(array())
        .codes(vec!["a".to_owned(), "b".to_owned()])
        .shipping(Address::new("Köln"));
    c.form().create(&order).await.unwrap();
    assert_eq!(server.header("content-type"), ["application/x-www-form-urlencoded"]);
    assert_eq!(
        server.body(),
        "name=a+b&metadata[plan]=pro&metadata[team]=x%26y&items[0][price]=price_1&items[0][quantity]=2\
         &items[1][price]=price_2&tags=blue%2Cblack%2Cbrown&codes=a%7Cb&shipping=%7B%22city%22%3A%22K%C3%B6ln%22%7D"
    );
}
