from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, Invalid, Severity, Valid
from slint.app.model import App, Event, Function, Unknown, as_list
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic, Location
from slint.discovery import display_path
from slint.settings import Settings

from .._support.config import is_disabled
from .._support.handler_code import (
    SCHEDULE_MARKERS,
    early_returns,
    is_warming_text,
    parse_module,
)
from .._support.report import at_key

MAX_WARMING_MINUTES = 15
_RATE = re.compile(r"^\s*rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)\s*$", re.I)
_CRON = re.compile(r"^\s*cron\((?P<fields>[^)]*)\)\s*$", re.I)
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}
_PLUGIN = "serverless-plugin-warmup"


def _cron_values(field: str) -> set[int] | None:
    """The minutes (0..59) a cron minutes field selects; None when it cannot be read."""
    values: set[int] = set()
    for part in field.split(","):
        match = re.match(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$", part)
        if match is None:
            return None
        first, last, step = match.groups()
        if first == "*":
            low, high = 0, 59
        else:
            low = int(first)
            high = int(last) if last is not None else (59 if step is not None else low)
        interval = int(step) if step is not None else 1
        if interval < 1 or low > high or high > 59:
            return None
        values.update(range(low, high + 1, interval))
    return values


def _cron_minutes(minutes: str, hours: str) -> int | None:
    """The longest gap, in minutes, between the runs of a cron schedule within the hours
    it runs (None for a schedule that runs once a day or less often)."""
    values = sorted(_cron_values(minutes) or ())
    if not values:
        return None
    gaps = [b - a for a, b in itertools.pairwise(values)]
    if not hours.isdigit():  # runs every hour of a range: the gap wraps to the next hour
        gaps.append(60 - values[-1] + values[0])
    return max(gaps) if gaps else None


def interval_minutes(expression: Any) -> int | None:
    """How often a `rate(...)` / `cron(...)` expression runs, in minutes (None: unknown
    or not periodic within the hour)."""
    if not isinstance(expression, str):
        return None
    rate = _RATE.match(expression)
    if rate is not None:
        unit = rate.group(2).lower().rstrip("s")
        return int(rate.group(1)) * _UNIT_MINUTES[unit]
    cron = _CRON.match(expression)
    if cron is not None:
        fields = cron.group("fields").split()
        if len(fields) == 6:
            return _cron_minutes(fields[0], fields[1])
    return None


def _input_text(value: Any) -> tuple[str | None, Any]:
    """The input as text (for markers) and as data (for comparison with the code).
    A `!Sub` template counts by its text."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        inner = value["Fn::Sub"]
        inner = inner[0] if isinstance(inner, list) and inner else inner
        return (inner, None) if isinstance(inner, str) else (None, None)
    if isinstance(value, str):
        try:
            return value, json.loads(value)
        except ValueError:
            return value, value
    if isinstance(value, (dict, list)) and not isinstance(value, Unknown):
        try:
            return json.dumps(value, default=str), value
        except (TypeError, ValueError):
            return None, None
    return None, None


def _signature_strings(data: Any) -> set[str]:
    """String values of the input, and the keys of its flags (`{"ping": true}` -> ping)."""
    found: set[str] = set()
    if isinstance(data, str):
        found.add(data)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                found |= _signature_strings(value)
            elif isinstance(value, str):
                found.add(value)
            elif value is True or isinstance(value, (int, float)):
                found.add(str(key))
    elif isinstance(data, list):
        for item in data:
            found |= _signature_strings(item)
    return found


def _disabled(event: Event) -> bool:
    if is_disabled(event):
        return True
    props = event.properties
    if isinstance(props, YMap):
        state = props.get("State")
        if isinstance(state, str) and state.upper() == "DISABLED":
            return True
        if props.get("enabled") is False or props.get("Enabled") is False:
            return True
    return False


def _expressions(event: Event) -> list[Any]:
    props = event.properties if isinstance(event.properties, YMap) else None
    if event.kind == "schedule":
        return as_list(event.extra.get("rate"))
    if props is not None:  # serverless `eventBridge: {schedule: ...}`
        return as_list(props.get("schedule", props.get("ScheduleExpression")))
    return []


def _names(event: Event, function: Function) -> list[str]:
    names = []
    if function.app.format != "serverless":
        names.append(event.name)  # the SAM event / CloudFormation rule logical id
    props = event.properties
    if isinstance(props, YMap):
        for key in ("name", "description", "Name", "Description"):
            if isinstance(props.get(key), str):
                names.append(props[key])
    return names


class WarmerSchedule(ConfigRule):
    """
    ## What it does
    Finds schedules whose only purpose is to keep a function warm: a `schedule` event
    (serverless `schedule`, SAM `Schedule`/`ScheduleV2`, an `AWS::Events::Rule`
    targeting the function) that runs every 15 minutes or more often and whose input,
    name or description marks it as a warmer (`{"warmer": true}`, `source:
    serverless-plugin-warmup`, `KeepWarm`), or whose handler returns at once for it
    (`if event.get("source") == "aws.events": return`). Also the warmers that
    serverless-plugin-warmup configures in `custom.warmup`.

    ## Why is this bad?
    A ping keeps one execution environment alive, not the number that real traffic
    needs: a burst still cold-starts every extra environment, and AWS recycles warm
    environments anyway. The pings cost invocations, fill the logs and metrics with
    noise, and hide the real cold-start rate. Provisioned concurrency keeps a chosen
    number of environments initialised; SnapStart (Python 3.12 and later) restores a
    snapshot of the initialised environment instead of running the init code.

    ## Example
    ```yaml
    functions:
      api:
        handler: app.handler
        events:
          - schedule:
              rate: rate(5 minutes)
              input:
                warmer: true
    ```

    ## Use instead
    ```yaml
    functions:
      api:
        handler: app.handler
        provisionedConcurrency: 2
    ```
    or, in SAM, `AutoPublishAlias: live` with `ProvisionedConcurrencyConfig` or
    `SnapStart: {ApplyOn: PublishedVersions}`.

    ## Fix
    There is no automatic fix: remove the warming schedule (and the early return in
    the handler) and configure provisioned concurrency or SnapStart.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
    - https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions#provisioned-concurrency
    """

    code = "SL107"
    name = "warmer-schedule"
    severity = Severity.INFO
    enabled_by_default = False

    def check(self, app: App, settings: Settings) -> Iterator[Diagnostic]:
        for function in app.functions:
            for event in function.events:
                if event.kind not in ("schedule", "eventbridge") or _disabled(event):
                    continue
                diagnostic = self._check_event(function, event)
                if diagnostic is not None:
                    yield diagnostic
        if app.format == "serverless":
            yield from self._plugin_warmers(app)

    def _check_event(self, function: Function, event: Event) -> Diagnostic | None:
        runs = [
            (expression, minutes)
            for expression in _expressions(event)
            if (minutes := interval_minutes(expression)) is not None
            and minutes <= MAX_WARMING_MINUTES
        ]
        if not runs:
            return None
        expression = runs[0][0]
        raw_input = event.extra.get("input")
        if raw_input is None and isinstance(event.properties, YMap):
            raw_input = event.properties.get("input")
        text, data = _input_text(raw_input)
        reason = None
        if text is not None and is_warming_text(text):
            reason = "its input marks it as a warmer"
        else:
            name = next((n for n in _names(event, function) if is_warming_text(n)), None)
            if name is not None:
                reason = f"it is named `{name}`"
            elif raw_input is None or data is not None:
                reason = self._handler_reason(function, data if raw_input is not None else None)
        if reason is None:
            return None
        return at_key(
            self,
            function,
            f"the `{expression}` schedule of function `{function.name}` only keeps it warm "
            f"({reason}): pings do not stop cold starts when traffic needs more than one "
            "environment, and they add invocations; configure provisioned concurrency (or "
            "SnapStart, Python 3.12+) and remove the schedule",
            event=event,
        )

    def _handler_reason(self, function: Function, data: Any) -> str | None:
        """The handler returns at once for this schedule's call."""
        ref = function.handler_ref
        if not function.is_python or ref is None or not ref.module_path.is_file():
            return None
        tree = parse_module(ref.module_path)
        if tree is None:
            return None
        expected = SCHEDULE_MARKERS if data is None else _signature_strings(data)
        for line, strings in early_returns(tree, ref.function):
            if strings & expected:
                return (
                    f"the handler returns at once for it at {display_path(ref.module_path)}:{line}"
                )
        return None

    def _plugin_warmers(self, app: App) -> Iterator[Diagnostic]:
        if not any(_PLUGIN in plugin for plugin in app.plugins):
            return
        custom = app.document.get("custom")
        if not isinstance(custom, YMap) or not isinstance(custom.get("warmup"), YMap):
            return
        warmup: YMap = custom["warmup"]
        if any(key in warmup for key in ("enabled", "events", "schedule")):
            # serverless-plugin-warmup before v5: one warmer configured in place.
            warmers: list[tuple[str, YMap, Location]] = [
                ("default", warmup, custom.key_loc["warmup"])
            ]
        else:
            warmers = [
                (str(name), config, warmup.key_loc[name])
                for name, config in warmup.items()
                if isinstance(config, YMap)
            ]
        for name, config, at in warmers:
            if not self._warmer_enabled(app, name, config):
                continue
            events = config.get("events", config.get("schedule"))
            if events is None:
                yield self._warmer(app, name, "rate(5 minutes)", warmup.file, at)
                continue
            for item in as_list(events):
                expression, where = item, at
                if isinstance(item, YMap) and "schedule" in item:
                    expression, where = item["schedule"], item.key_loc["schedule"]
                    if isinstance(expression, YMap):
                        expression = expression.get("rate")
                for candidate in as_list(expression):
                    minutes = interval_minutes(candidate)
                    if minutes is not None and minutes <= MAX_WARMING_MINUTES:
                        yield self._warmer(app, name, str(candidate), warmup.file, where)
                        break

    @staticmethod
    def _warmer_enabled(app: App, name: str, config: YMap) -> bool:
        enabled = config.get("enabled")
        if enabled is True or (isinstance(enabled, (str, list)) and enabled not in ("", [])):
            return enabled not in ("false", "False")
        for function in app.functions:
            own = function.node.get("warmup")
            if own is True:
                return True
            if isinstance(own, YMap):
                settings = own.get(name)
                if isinstance(settings, YMap) and settings.get("enabled") not in (None, False):
                    return True
                if own.get("enabled") not in (None, False):
                    return True
        return False

    def _warmer(self, app: App, name: str, expression: str, file: str, at: Location) -> Diagnostic:
        return self.at(
            file or app.file,
            at,
            f"serverless-plugin-warmup's `{name}` warmer invokes functions on `{expression}` "
            "only to keep them warm: pings do not stop cold starts when traffic needs more "
            "than one environment, and they add invocations; configure provisioned "
            "concurrency (or SnapStart, Python 3.12+) and remove the warmer",
        )

    valid = (
        # A real job that runs often, a warmer that runs rarely, a disabled warmer.
        Valid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  sync:
                    handler: jobs.sync
                    events:
                      - schedule:
                          rate: rate(5 minutes)
                          input:
                            job: sync-inventory
                      - schedule:
                          rate: rate(1 hour)
                          input:
                            warmer: true
                      - schedule:
                          rate: rate(5 minutes)
                          enabled: false
                          input:
                            warmer: true
                      - schedule: ${ssm:/jobs/rate}
                      - schedule:
                          rate: rate(5 minutes)
                          input:
                            job: warm-cache
                          description: Warm the product cache
                """),
            filename="serverless.yml",
            files={
                "jobs.py": dedent("""\
                    def sync(event, context):
                        if event.get("source") == "aws.events":
                            refresh_inventory()
                            return {"synced": True}
                        return {}
                    """)
            },
        ),
        # SAM: a nightly job with a warm-sounding input; a schedule known only at deploy.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Rate:
                    Type: String
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  Report:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: report.handler
                      Events:
                        Nightly:
                          Type: Schedule
                          Properties:
                            Schedule: cron(0 2 * * ? *)
                            Input: '{"warmer": true}'
                        Dynamic:
                          Type: ScheduleV2
                          Properties:
                            ScheduleExpression: !Ref Rate
                            Input: '{"warmer": true}'
                        Hourly:
                          Type: Schedule
                          Properties:
                            Schedule: cron(15 * * * ? *)
                            Name: warm-cache-refresh
                """),
            filename="template.yaml",
        ),
        # The plugin is listed, but no warmer is enabled.
        Valid(
            dedent("""\
                service: api
                plugins:
                  - serverless-plugin-warmup
                custom:
                  warmup:
                    default:
                      enabled: false
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                """),
            filename="serverless.yml",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                service: api
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                    events:
                      - http: GET /
                      - schedule:
                          rate: rate(5 minutes)
                          input:
                            warmer: true
                """),
            filename="serverless.yml",
            line=10,
            column=9,
            message="the `rate(5 minutes)` schedule of function `api` only keeps it warm "
            "(its input marks it as a warmer)",
        ),
        # No input: the handler returns at once for EventBridge's scheduled event.
        Invalid(
            dedent("""\
                service: api
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                    events:
                      - schedule: rate(1 minute)
                """),
            filename="serverless.yml",
            files={
                "app.py": dedent("""\
                    import logging


                    def handler(event, context):
                        if event.get("detail-type") == "Scheduled Event":
                            logging.info("warm")
                            return {}
                        return {"statusCode": 200}
                    """)
            },
            line=9,
            column=9,
            message="(the handler returns at once for it at app.py:5)",
        ),
        # SAM, Globals and a !Sub input.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  Api:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Events:
                        Ping:
                          Type: ScheduleV2
                          Properties:
                            ScheduleExpression: cron(*/5 8-18 ? * MON-FRI *)
                            Input: !Sub '{"source": "keep-warm", "stage": "${AWS::StackName}"}'
                """),
            filename="template.yaml",
            line=13,
            column=9,
            message="the `cron(*/5 8-18 ? * MON-FRI *)` schedule of function `Api`",
        ),
        # SAM: the event's name says what it is for.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      CodeUri: src/
                      Handler: app.handler
                      Events:
                        KeepWarm:
                          Type: Schedule
                          Properties:
                            Schedule: rate(10 minutes)
                """),
            filename="template.yaml",
            line=11,
            column=9,
            message="(it is named `KeepWarm`)",
        ),
        # Plain CloudFormation: a rule that targets the function.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Api:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      Role: !GetAtt Role.Arn
                      Code: ./src
                  PingRule:
                    Type: AWS::Events::Rule
                    Properties:
                      ScheduleExpression: rate(5 minutes)
                      Targets:
                        - Arn: !GetAtt Api.Arn
                          Id: api
                          Input: '{"source": "serverless-plugin-warmup"}'
                """),
            filename="template.yaml",
            line=10,
            column=3,
            message="the `rate(5 minutes)` schedule of function `Api` only keeps it warm",
        ),
        # serverless-plugin-warmup: the default warmer runs every 5 minutes.
        Invalid(
            dedent("""\
                service: api
                plugins:
                  - serverless-plugin-warmup
                custom:
                  warmup:
                    default:
                      enabled: true
                      prewarm: true
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                """),
            filename="serverless.yml",
            line=6,
            column=5,
            message="serverless-plugin-warmup's `default` warmer invokes functions on "
            "`rate(5 minutes)`",
        ),
        Invalid(
            dedent("""\
                service: api
                plugins:
                  - serverless-plugin-warmup
                custom:
                  warmup:
                    officeHours:
                      enabled: [prod]
                      events:
                        - schedule: cron(0/5 8-17 ? * MON-FRI *)
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: app.handler
                """),
            filename="serverless.yml",
            line=9,
            column=11,
            message="`officeHours` warmer invokes functions on `cron(0/5 8-17 ? * MON-FRI *)`",
        ),
    )
