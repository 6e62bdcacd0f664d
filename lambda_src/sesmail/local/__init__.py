"""Local tooling: emulated AWS for ``make demo`` and the integration tests. Never shipped to Lambda.

``moto_server`` runs moto, ``ses_standin`` speaks the SESv2 API that moto lacks, ``scenario`` sends
demo traffic through ``sesmail.sender`` and ``lambda_runner`` feeds the SQS queue to the persister
handler in-process. ``scripts/dev/package_lambdas.py`` leaves this package out of the Lambda zips.
"""
