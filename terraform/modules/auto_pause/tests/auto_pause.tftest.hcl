# Offline unit tests: mock provider, plan only. The function itself is tested in eventbridge_function.
mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix = "ses-test"
  account_id  = "111122223333"
  region      = "eu-west-1"
  alarm_configuration_sets = {
    "ses-test-ses-account-bounce-rate-critical"                  = ["ses-test-marketing", "ses-test-transactional"]
    "ses-test-ses-cs-ses-test-marketing-complaint-rate-critical" = ["ses-test-marketing"]
  }
  function = {
    lambda_zip_path      = "../eventbridge_function/tests/fixture.zip"
    powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
  }
}

run "rule_matches_only_the_given_alarms_entering_alarm" {
  command = plan

  assert {
    condition = jsonencode(output.event_pattern) == jsonencode({
      source        = ["aws.cloudwatch"]
      "detail-type" = ["CloudWatch Alarm State Change"]
      detail = {
        alarmName = ["ses-test-ses-account-bounce-rate-critical", "ses-test-ses-cs-ses-test-marketing-complaint-rate-critical"]
        state     = { value = ["ALARM"] }
      }
    })
    error_message = "the rule filters alarm names and the ALARM state"
  }
  assert {
    condition     = module.function.function_name == "ses-test-auto-pause"
    error_message = "function named for the environment"
  }
}

run "role_may_pause_exactly_the_mapped_sets" {
  command = plan

  assert {
    condition = output.policy.Statement == [{
      Sid      = "PauseMappedConfigurationSets"
      Effect   = "Allow"
      Action   = ["ses:GetConfigurationSet", "ses:PutConfigurationSetSendingOptions"]
      Resource = ["arn:aws:ses:eu-west-1:111122223333:configuration-set/ses-test-marketing", "arn:aws:ses:eu-west-1:111122223333:configuration-set/ses-test-transactional"]
    }]
    error_message = "no account-level pause, no other sets"
  }
}

run "rejects_warning_alarms" {
  command = plan
  variables {
    alarm_configuration_sets = { "ses-test-ses-account-bounce-rate-warning" = ["ses-test-marketing"] }
  }
  expect_failures = [var.alarm_configuration_sets]
}

run "rejects_an_alarm_without_sets" {
  command = plan
  variables {
    alarm_configuration_sets = { "ses-test-ses-account-bounce-rate-critical" = [] }
  }
  expect_failures = [var.alarm_configuration_sets]
}
