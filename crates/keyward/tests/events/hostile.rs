//! No body or header makes the verify calls panic; signed garbage is a typed refusal too.

use keyward::events::{EventRejection, Webhooks};

use super::{dodo_events, lemonsqueezy_events};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn bodies(rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut bodies = vec![
        Vec::new(),
        b"null".to_vec(),
        b"{}".to_vec(),
        b"[]".to_vec(),
        br#"{"type":7}"#.to_vec(),
        br#"{"meta":{"event_name":"license_key_created"},"data":null}"#.to_vec(),
        br#"{"business_id":"b","type":"entitlement_grant.created","timestamp":"x","data":{}}"#
            .to_vec(),
        "{\"type\":\"\u{0}\"}".as_bytes().to_vec(),
        vec![b'['; 100_000],
        vec![0xff; 4096],
        vec![b'a'; 2 * 1024 * 1024],
    ];
    for len in [1, 7, 64, 513, 10_000] {
        bodies.push(rng.bytes(len));
    }
    bodies
}

fn header_sets(rng: &mut Rng) -> Vec<http::HeaderMap> {
    let mut sets = vec![http::HeaderMap::new()];
    let values = [
        "",
        " ",
        "v1,",
        "v1,!!!",
        "v2,abc v1",
        "-1",
        "99999999999999999999999",
        "1781172030",
        "deadbeef",
    ];
    for value in values {
        let mut map = http::HeaderMap::new();
        for name in [
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "x-signature",
        ] {
            map.insert(name, http::HeaderValue::from_static(value));
        }
        sets.push(map);
    }
    for _ in 0..20 {
        let mut map = http::HeaderMap::new();
        for name in [
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "x-signature",
        ] {
            let raw: Vec<u8> = rng.bytes(40).into_iter().filter(|b| *b >= 0x80).collect();
            if let Ok(value) = http::HeaderValue::from_bytes(&raw) {
                map.insert(name, value);
            }
        }
        sets.push(map);
    }
    sets
}

#[tokio::test]
async fn garbage_bodies_and_headers_are_refused_without_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let dodo = dodo_events::events();
    let lemon = lemonsqueezy_events::events();
    let bodies = bodies(&mut rng);
    for headers in header_sets(&mut rng) {
        for body in &bodies {
            let d = dodo.verify(&headers, body).await.unwrap_err();
            assert!(d.http_status() == 401, "{d:?}");
            let l = lemon.verify(&headers, body).await.unwrap_err();
            assert!(l.http_status() == 401, "{l:?}");
        }
    }
}

#[tokio::test]
async fn signed_garbage_is_malformed_or_unknown_never_a_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let dodo = dodo_events::events();
    let lemon = lemonsqueezy_events::events();
    for (n, body) in bodies(&mut rng).iter().enumerate() {
        let id = format!("msg_garbage_{n}");
        let d = dodo
            .verify(&dodo_events::signed(&id, 1_781_172_030, body), body)
            .await
            .unwrap_err();
        assert!(
            matches!(
                d,
                EventRejection::Malformed(_) | EventRejection::UnknownEvent { .. }
            ),
            "{d:?}"
        );
        let l = lemon
            .verify(&lemonsqueezy_events::signed(body), body)
            .await
            .unwrap_err();
        assert!(
            matches!(
                l,
                EventRejection::Malformed(_) | EventRejection::UnknownEvent { .. }
            ),
            "{l:?}"
        );
    }
}
