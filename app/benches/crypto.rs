//! Field encryption costs: one field, a 50-contact list page, blind indexes.
//! Run: `cargo bench -p app --features ssr --bench crypto`

use app::backend::crypto::blind_index::IndexKey;
use app::backend::crypto::cipher::{decrypt_field, encrypt_field, FieldContext};
use app::backend::crypto::keys::{unwrap_with, wrap_with};
use app::backend::crypto::DataKey;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use uuid::Uuid;

fn field(c: &mut Criterion) {
    let key = DataKey::generate();
    let ctx = FieldContext {
        tenant_id: Uuid::now_v7(),
        table: "contacts",
        column: "email",
        row_id: Uuid::now_v7(),
    };
    let value = b"erika.mueller@beispiel-gmbh.de";
    let sealed = encrypt_field(&key, 1, &ctx, value);
    let mut group = c.benchmark_group("field");
    group.throughput(Throughput::Bytes(value.len() as u64));
    group.bench_function("encrypt 30-byte e-mail", |b| {
        b.iter(|| encrypt_field(&key, 1, &ctx, black_box(value)))
    });
    group.bench_function("decrypt 30-byte e-mail", |b| {
        b.iter(|| decrypt_field(&key, 1, &ctx, black_box(&sealed)).unwrap())
    });
    group.finish();
}

/// What a list page costs in crypto: 50 subject keys unwrapped, 5 fields each opened.
fn list_page(c: &mut Criterion) {
    let tenant = Uuid::now_v7();
    let wrapping = DataKey::generate().derive("tessera.subject-key-wrap.v1");
    let columns = ["first_name", "last_name", "email", "phone", "organisation"];
    let values = [
        "Erika",
        "Müller",
        "erika.mueller@beispiel-gmbh.de",
        "+49 30 1234567",
        "Müller Maschinenbau GmbH",
    ];
    let rows: Vec<(Uuid, Vec<u8>, Vec<Vec<u8>>)> = (0..50)
        .map(|_| {
            let id = Uuid::now_v7();
            let key = DataKey::generate();
            let wrapped = wrap_with(&wrapping, &key, id.as_bytes());
            let fields = columns
                .iter()
                .zip(values)
                .map(|(column, value)| {
                    let ctx = FieldContext {
                        tenant_id: tenant,
                        table: "contacts",
                        column,
                        row_id: id,
                    };
                    encrypt_field(&key, 1, &ctx, value.as_bytes())
                })
                .collect();
            (id, wrapped, fields)
        })
        .collect();
    c.bench_function("page/open 50 contacts (50 unwraps + 250 fields)", |b| {
        b.iter(|| {
            for (id, wrapped, fields) in &rows {
                let key = unwrap_with(&wrapping, wrapped, id.as_bytes()).unwrap();
                for (column, sealed) in columns.iter().zip(fields) {
                    let ctx = FieldContext {
                        tenant_id: tenant,
                        table: "contacts",
                        column,
                        row_id: *id,
                    };
                    black_box(decrypt_field(&key, 1, &ctx, sealed).unwrap());
                }
            }
        })
    });
}

fn blind_index(c: &mut Criterion) {
    let index = IndexKey::derive_from(&DataKey::generate());
    let mut group = c.benchmark_group("blind index");
    group.bench_function("e-mail fingerprint", |b| {
        b.iter(|| index.email(black_box("Erika.Mueller@Beispiel-GmbH.de")))
    });
    group.bench_function("phone fingerprint", |b| {
        b.iter(|| index.phone(black_box("+49 (30) 123 45 67")))
    });
    group.bench_function("name tokens of one contact", |b| {
        b.iter(|| {
            index.tokens_for(
                black_box(&["Erika", "Müller-Lüdenscheidt"]),
                black_box(&["Müller Maschinenbau GmbH"]),
            )
        })
    });
    group.bench_function("search query tokens", |b| {
        b.iter(|| index.query(black_box("erika mül")))
    });
    group.finish();
}

criterion_group!(benches, field, list_page, blind_index);
criterion_main!(benches);
