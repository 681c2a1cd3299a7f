//! `moved`, `removed` and `import` blocks through plan and apply against the fake cloud: a rename
//! keeps the object, a removal with `destroy = false` leaves it in the cloud, an import adopts it
//! without creating anything.

use crate::plan::Action;
use crate::provider::fake::FakeCloud;
use crate::testkit::{run, write};

#[tokio::test]
async fn rename_forget_and_import_keep_the_same_object() {
    let dir = tempfile::tempdir().unwrap();
    let cloud = FakeCloud::new();
    write(dir.path(), "resource \"fake_thing\" \"a\" {\n  name = \"keep\"\n}\n");
    let first = run(dir.path(), &cloud, false).await;
    let id = first.report.state.resources[0].id.clone();

    // Renamed with a moved block: planned at the new address, nothing created or destroyed.
    write(
        dir.path(),
        "resource \"fake_thing\" \"b\" {\n  name = \"keep\"\n}\nmoved {\n  from = fake_thing.a\n  to   = fake_thing.b\n}\n",
    );
    let renamed = run(dir.path(), &cloud, false).await;
    assert_eq!(renamed.plan.summary(), (0, 0, 0));
    assert!(renamed.plan.has_changes(), "a move is a change to state");
    let c = &renamed.plan.changes[0];
    assert_eq!(
        (c.address.to_string(), c.action),
        ("fake_thing.b".to_string(), Action::NoOp)
    );
    assert_eq!(
        c.moved_from.as_ref().map(|a| a.to_string()),
        Some("fake_thing.a".into())
    );
    assert_eq!(renamed.report.state.resources[0].address.to_string(), "fake_thing.b");
    assert_eq!(renamed.report.state.resources[0].id, id);
    let creates = cloud.calls().iter().filter(|c| c.starts_with("create")).count();
    assert_eq!(creates, 1, "{:?}", cloud.calls());

    // Removed without destroying: state forgets it, the cloud keeps it.
    write(
        dir.path(),
        "removed {\n  from = fake_thing.b\n  lifecycle {\n    destroy = false\n  }\n}\n",
    );
    let forgotten = run(dir.path(), &cloud, false).await;
    assert_eq!(forgotten.plan.changes[0].action, Action::Forget);
    assert!(forgotten.report.state.resources.is_empty());
    assert!(
        !cloud.calls().iter().any(|c| c.starts_with("delete")),
        "{:?}",
        cloud.calls()
    );
    assert!(
        cloud.objects.lock().unwrap().contains_key(&id),
        "the object stays in the cloud"
    );

    // Imported back at another address by an import block: read, not created.
    write(
        dir.path(),
        &format!(
            "resource \"fake_thing\" \"c\" {{\n  name = \"keep\"\n}}\nimport {{\n  to = fake_thing.c\n  id = \"{id}\"\n}}\n"
        ),
    );
    let imported = run(dir.path(), &cloud, false).await;
    assert_eq!(imported.plan.import_forget_counts(), (1, 0));
    assert_eq!(imported.plan.summary(), (0, 0, 0));
    assert_eq!(imported.report.state.resources[0].address.to_string(), "fake_thing.c");
    assert_eq!(imported.report.state.resources[0].id, id);
    assert_eq!(cloud.calls().iter().filter(|c| c.starts_with("create")).count(), 1);
    // The next plan holds nothing to import any more.
    let again = run(dir.path(), &cloud, false).await;
    assert!(!again.plan.has_changes());
}
