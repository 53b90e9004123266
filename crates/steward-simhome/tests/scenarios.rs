//! Scenario scripts drive the simulated home: a script's steps change the devices, `every` steps
//! repeat until the runner is dropped, and a step naming a missing device is a clear error.

use std::sync::Arc;
use std::time::Duration;

use steward_protocol::{DeviceState, DispenserState};
use steward_simhome::scenario::Runner;
use steward_simhome::{brief_home, PrivateBus, Scenario, SimHome};

fn soap_remaining(home: &SimHome) -> u16 {
    let soap = home
        .devices()
        .into_iter()
        .find(|d| d.name == "Dish soap")
        .expect("the brief home has its soap");
    match soap.state() {
        DeviceState::SoapDispenser(DispenserState { remaining, .. }) => remaining,
        other => panic!("soap dispenser state expected, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_makes_things_happen_in_the_home() {
    let bus = PrivateBus::start().await.expect("private bus");
    let devices = brief_home::devices()
        .into_iter()
        .map(|d| d.device)
        .collect();
    let home = Arc::new(SimHome::start(bus.address(), devices).await.expect("home"));
    assert_eq!(
        soap_remaining(&home),
        10,
        "the brief's soap starts with 10 left"
    );

    let mut runner = Runner::new(Arc::clone(&home));
    let script = Scenario::parse(
        "dispense soap_dispenser\n\
         dispense \"dish SOAP\"   # names ignore case\n\
         wait 10ms\n",
    )
    .expect("script");
    runner.run(&script).await.expect("the script runs");
    assert_eq!(soap_remaining(&home), 8, "two packets were pumped");

    let every = Scenario::parse("every 20ms dispense soap_dispenser").expect("script");
    runner.run(&every).await.expect("the script runs");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after_repeats = soap_remaining(&home);
    assert!(
        after_repeats < 8,
        "`every` keeps pumping: {after_repeats} left"
    );
    drop(runner);
    tokio::time::sleep(Duration::from_millis(60)).await;
    let stopped_at = soap_remaining(&home);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        soap_remaining(&home),
        stopped_at,
        "dropping the runner stops its repeating steps"
    );

    let mut runner = Runner::new(Arc::clone(&home));
    let missing = Scenario::parse("toast \"Bread machine\"").expect("script");
    let err = runner.run(&missing).await.expect_err("no such device");
    assert!(err.contains("no device called \"Bread machine\""), "{err}");
}
