"""The local stack: template.yaml run on one machine with moto, no Docker and no AWS account."""
