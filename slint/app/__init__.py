"""The Lambda application model: serverless.yml, SAM and CloudFormation in one shape."""
