"""Starts moto's server after applying the compatibility patches infractl's stacks need.

Each patch is a small, named fix for a gap measured in moto 5.2.5 (see ../shared/EMULATOR.md).
The emulator speaks plain HTTP on loopback, standing in for AWS endpoints that clients always
reach over TLS; the patches make it answer as AWS would for those clients.
"""
import base64
import datetime
import io
import json
import re
import sys

from moto.server import main


def patch_s3_secure_transport():
    """Bucket policies: evaluate `aws:SecureTransport` as true.

    moto ignores policy conditions, so the usual TLS-only statement ("Deny s3:* when
    aws:SecureTransport is false") denies every object call. AWS only applies that statement to
    plain-HTTP requests; treating each request as TLS (what the SDKs use against AWS) keeps the
    statement stored and returned unchanged while denying nothing a TLS client would be allowed.
    """
    from moto.s3 import models

    original = models.FakeBucket.get_permission

    def applies(statement):
        condition = statement.get("Condition") or {}
        for operator, pairs in condition.items():
            for key, expected in pairs.items():
                if key.lower() != "aws:securetransport":
                    continue
                values = expected if isinstance(expected, list) else [expected]
                values = [str(v).lower() for v in values]
                if operator in ("Bool", "BoolIfExists") and "true" not in values:
                    return False
        return True

    def get_permission(self, action, resource):
        if self.policy is None:
            return original(self, action, resource)
        try:
            document = json.loads(self.policy)
        except ValueError:
            return original(self, action, resource)
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        kept = [s for s in statements if applies(s)]
        if len(kept) == len(statements):
            return original(self, action, resource)
        saved = self.policy
        try:
            self.policy = json.dumps({**document, "Statement": kept}).encode()
            return original(self, action, resource)
        finally:
            self.policy = saved

    models.FakeBucket.get_permission = get_permission


def patch_s3_versioning_root():
    """GetBucketVersioning: answer with AWS's root element.

    moto's serializer names the root <GetBucketVersioningResponse>; S3 (and the AWS SDK for
    Rust, which checks it) uses <VersioningConfiguration>.
    """
    from moto.s3.responses import S3Response

    original = S3Response.get_bucket_versioning

    def get_bucket_versioning(self):
        status, headers, body = original(self)
        text = body.decode() if isinstance(body, bytes) else body
        text = text.replace("<GetBucketVersioningResponse", "<VersioningConfiguration")
        text = text.replace("</GetBucketVersioningResponse>", "</VersioningConfiguration>")
        return status, headers, text

    S3Response.get_bucket_versioning = get_bucket_versioning


def patch_ec2_gateway_endpoint_routes():
    """ModifyVpcEndpoint: add and remove the prefix-list routes of a gateway endpoint.

    moto adds the endpoint's route only to the route tables given at creation, but removes it
    from every table on deletion, so an endpoint whose tables changed cannot be deleted. AWS
    keeps the routes in step with the endpoint's tables; this does the same.
    """
    import inspect

    from moto.ec2.models.vpcs import VPCBackend

    original = VPCBackend.modify_vpc_endpoint
    signature = inspect.signature(original)

    def modify_vpc_endpoint(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        endpoint_id = bound.arguments.get("vpc_id")
        endpoint = self.describe_vpc_endpoints(vpc_end_point_ids=[endpoint_id])[0]
        prefix_list = getattr(endpoint, "destination_prefix_list_id", None)
        if prefix_list and str(endpoint.vpc_endpoint_type).lower() == "gateway":
            for table in bound.arguments.get("add_route_tables") or []:
                self.create_route(table, None, gateway_id=endpoint_id, destination_prefix_list_id=prefix_list)
            for table in bound.arguments.get("remove_route_tables") or []:
                try:
                    self.delete_route(table, prefix_list)
                except Exception:  # the route is already gone: nothing to keep in step
                    pass
        return original(self, *args, **kwargs)

    VPCBackend.modify_vpc_endpoint = modify_vpc_endpoint


def patch_ecs_service_settings():
    """CreateService: keep the deployment settings, and count tasks as running.

    moto's CreateService drops deploymentConfiguration (circuit breaker, percents),
    healthCheckGracePeriodSeconds, enableExecuteCommand and enableECSManagedTags, which
    UpdateService does keep; AWS keeps them all. The emulator runs no containers, so a new
    service's tasks are reported as running at once (moto's own MOTO_ECS_SERVICE_RUNNING
    default is 0, and its UpdateService already does this), which lets steady-state waits end.
    """
    from moto.core.utils import camelcase_to_underscores
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service
    kept = (
        "deploymentConfiguration",
        "healthCheckGracePeriodSeconds",
        "enableExecuteCommand",
        "enableECSManagedTags",
    )

    def create_service(self):
        result = original(self)
        cluster = self._get_param("cluster", "default")
        name = self._get_param("serviceName")
        service = self.ecs_backend._get_service(cluster, name)
        for key in kept:
            value = self._get_param(key)
            if value is not None:
                setattr(service, camelcase_to_underscores(key), value)
        service.running_count = service.desired_count
        service.pending_count = 0
        for deployment in service.deployments:
            deployment["runningCount"] = service.desired_count
            deployment["pendingCount"] = 0
            deployment["rolloutState"] = "COMPLETED"
        return result

    EC2ContainerServiceResponse.create_service = create_service


def patch_sns_topic_attributes():
    """GetTopicAttributes: answer every attribute the topic was given.

    moto stores any attribute CreateTopic or SetTopicAttributes receives, but GetTopicAttributes
    answers only a fixed few (DisplayName, Policy, DeliveryPolicy, KmsMasterKeyId, FIFO
    settings). AWS answers all that are set: SignatureVersion, TracingConfig, ArchivePolicy,
    FifoThroughputScope and the delivery-status logging attributes
    (<Application|HTTP|Lambda|SQS|Firehose><Success|Failure>Feedback<RoleArn|SampleRate>).
    """
    from moto.core.utils import camelcase_to_underscores
    from moto.sns.responses import SNSResponse

    names = ["SignatureVersion", "TracingConfig", "ArchivePolicy", "FifoThroughputScope"]
    for proto in ("Application", "HTTP", "Lambda", "SQS", "Firehose"):
        names += [f"{proto}SuccessFeedbackRoleArn", f"{proto}SuccessFeedbackSampleRate", f"{proto}FailureFeedbackRoleArn"]
    original = SNSResponse.get_topic_attributes

    def get_topic_attributes(self):
        result = original(self)
        topic = self.backend.get_topic(self._get_param("TopicArn"))
        for name in names:
            value = getattr(topic, camelcase_to_underscores(name), None)
            if value not in (None, ""):
                result.result["Attributes"][name] = str(value)
        return result

    SNSResponse.get_topic_attributes = get_topic_attributes


def patch_appautoscaling_tags():
    """Application Auto Scaling: keep tags.

    moto 5.2.5 ignores RegisterScalableTarget's Tags and has no TagResource, UntagResource or
    ListTagsForResource; AWS tags scalable targets by ARN.
    """
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    tags_by_arn = {}
    original_register = ApplicationAutoScalingResponse.register_scalable_target
    original_deregister = ApplicationAutoScalingResponse.deregister_scalable_target

    def register_scalable_target(self):
        body = original_register(self)
        arn = json.loads(body)["ScalableTargetARN"]
        tags = self._get_param("Tags") or {}
        tags_by_arn.setdefault(arn, {}).update(tags)
        return body

    def deregister_scalable_target(self):
        backend = self.applicationautoscaling_backend
        targets = backend.describe_scalable_targets(
            self._get_param("ServiceNamespace"),
            [self._get_param("ResourceId")],
            self._get_param("ScalableDimension"),
        )
        body = original_deregister(self)
        for target in targets:
            tags_by_arn.pop(target.arn, None)
        return body

    def tag_resource(self):
        tags_by_arn.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self):
        tags = tags_by_arn.setdefault(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self):
        return json.dumps({"Tags": tags_by_arn.get(self._get_param("ResourceARN"), {})})

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.deregister_scalable_target = deregister_scalable_target
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource


def patch_apigateway_openapi_import():
    """ImportRestApi/PutRestApi: accept what API Gateway accepts.

    moto 5.2.5 reads info.description unconditionally (KeyError, HTTP 500), though OpenAPI makes
    it optional; and it requires a uri and httpMethod on every integration, which MOCK
    integrations (x-amazon-apigateway-integration type "mock") do not have.
    """
    from moto.apigateway.models import APIGatewayBackend

    original_put_integration = APIGatewayBackend.put_integration

    def put_integration(self, function_id, resource_id, method_type, integration_type, uri=None,
                        integration_method=None, **kwargs):
        return original_put_integration(
            self, function_id, resource_id, method_type, integration_type, uri, integration_method, **kwargs
        )

    APIGatewayBackend.put_integration = put_integration

    original = APIGatewayBackend.import_rest_api

    def import_rest_api(self, api_doc, fail_on_warnings):
        info = api_doc.setdefault("info", {})
        info.setdefault("description", "")
        return original(self, api_doc, fail_on_warnings)

    APIGatewayBackend.import_rest_api = import_rest_api


def patch_apigateway_tags():
    """API Gateway TagResource/UntagResource/GetTags for REST APIs, usage plans and API keys.

    moto 5.2.5 tags stages only, and its route does not match an ARN whose slashes arrive
    encoded (as the SDKs send them); AWS tags every API Gateway resource by ARN.
    """
    from urllib.parse import unquote

    from moto.apigateway import urls
    from moto.apigateway.responses import APIGatewayResponse

    urls.url_paths["{0}/tags/(?P<resourceArn>.+)$"] = APIGatewayResponse.dispatch

    def target(self):
        arn = unquote(self.path.split("/tags/", 1)[1])
        parts = arn.split("::", 1)[-1].strip("/").split("/")
        backend = self.backend
        if parts[0] == "restapis" and len(parts) == 2:
            return backend.get_rest_api(parts[1])
        if parts[0] == "restapis" and len(parts) == 4 and parts[2] == "stages":
            return backend.get_stage(parts[1], parts[3])
        if parts[0] == "usageplans" and len(parts) == 2:
            return backend.get_usage_plan(parts[1])
        if parts[0] == "apikeys" and len(parts) == 2:
            return backend.get_api_key(parts[1])
        raise ValueError(f"cannot tag {arn}")

    def tag_resource(self):
        obj = target(self)
        obj.tags = {**(obj.tags or {}), **(self._get_param("tags") or {})}
        return json.dumps({})

    def untag_resource(self):
        obj = target(self)
        keys = self.querystring.get("tagKeys") or []
        obj.tags = {k: v for k, v in (obj.tags or {}).items() if k not in keys}
        return json.dumps({})

    def get_tags(self):
        return json.dumps({"tags": target(self).tags or {}})

    APIGatewayResponse.tag_resource = tag_resource
    APIGatewayResponse.untag_resource = untag_resource
    APIGatewayResponse.get_tags = get_tags


def patch_opensearch_serverless():
    """OpenSearch Serverless: collections, security policies and access policies as AWS has them.

    moto 5.2.5 picks any policy naming a collection (a network policy made after the encryption
    policy crashes CreateCollection), fails on AWS-owned keys (no KmsARN), does not match
    wildcard patterns such as "collection/app-*", and lacks DeleteSecurityPolicy,
    UpdateCollection and every access-policy call. These are added here.
    """
    import fnmatch
    import time

    from moto.moto_api._internal import mock_random
    from moto.opensearchserverless import models
    from moto.opensearchserverless.exceptions import (
        ConflictException,
        ResourceNotFoundException,
        ValidationException,
    )
    from moto.opensearchserverless.responses import OpenSearchServiceServerlessResponse as Response

    Backend = models.OpenSearchServiceServerlessBackend

    def covers(patterns, name):
        return any(fnmatch.fnmatchcase(f"collection/{name}", p) for p in patterns)

    def create_collection(self, client_token, description, name, standby_replicas, tags, type):
        encryption = [
            sp for sp in self.security_policies.values() if sp.type == "encryption" and covers(sp.resources, name)
        ]
        if not encryption:
            raise ValidationException(
                msg=f"No matching security policy of encryption type found for collection name: {name}. "
                "Please create security policy of encryption type for this collection."
            )
        if any(c.name == name for c in self.collections.values()):
            raise ConflictException(msg=f"Collection with name {name} already exists")
        policy = dict(encryption[-1].policy)
        policy.setdefault("KmsARN", "auto")
        collection = models.Collection(
            client_token=client_token or mock_random.get_random_string(10),
            description=description,
            name=name,
            standby_replicas=standby_replicas,
            tags=tags,
            type=type,
            policy=policy,
            region=self.region_name,
            account_id=self.account_id,
        )
        self.collections[collection.id] = collection
        self.tag_resource(collection.arn, tags or [])
        return collection

    Backend.create_collection = create_collection

    def find_policy(self, name, type):
        for key, sp in self.security_policies.items():
            if sp.name == name and sp.type == type:
                return key, sp
        raise ResourceNotFoundException(msg=f"Policy with name {name} and type {type} is not found")

    def delete_security_policy(self):
        params = json.loads(self.body)
        backend = self.opensearchserverless_backend
        key, _ = find_policy(backend, params.get("name"), params.get("type"))
        backend.security_policies.pop(key)
        return json.dumps({})

    def update_collection(self):
        params = json.loads(self.body)
        collection = self.opensearchserverless_backend.collections.get(params.get("id"))
        if collection is None:
            raise ResourceNotFoundException(msg=f"Collection with ID {params.get('id')} cannot be found.")
        if params.get("description") is not None:
            collection.description = params["description"]
        collection.last_modified_date = int(time.time() * 1000)
        detail = {k: v for k, v in collection.to_dict().items() if k in ("arn", "id", "name", "status", "type", "description", "createdDate", "lastModifiedDate")}
        return json.dumps({"updateCollectionDetail": detail})

    access = {}

    def access_detail(p):
        return {k: v for k, v in p.items() if v is not None}

    def create_access_policy(self):
        params = json.loads(self.body)
        key = (self.current_account, self.region, params["name"], params["type"])
        if key in access:
            raise ConflictException(msg=f"Policy with name {params['name']} and type {params['type']} already exists")
        now = int(time.time() * 1000)
        access[key] = {
            "name": params["name"],
            "type": params["type"],
            "description": params.get("description"),
            "policy": json.loads(params["policy"]),
            "policyVersion": mock_random.get_random_string(20),
            "createdDate": now,
            "lastModifiedDate": now,
        }
        return json.dumps({"accessPolicyDetail": access_detail(access[key])})

    def access_policy(self, params):
        key = (self.current_account, self.region, params.get("name"), params.get("type"))
        if key not in access:
            raise ResourceNotFoundException(
                msg=f"Policy with name {params.get('name')} and type {params.get('type')} is not found"
            )
        return key

    def get_access_policy(self):
        key = access_policy(self, json.loads(self.body))
        return json.dumps({"accessPolicyDetail": access_detail(access[key])})

    def update_access_policy(self):
        params = json.loads(self.body)
        key = access_policy(self, params)
        p = access[key]
        if params.get("policyVersion") and params["policyVersion"] != p["policyVersion"]:
            raise ConflictException(msg="Policy version specified in the request refers to an older version")
        if params.get("policy") is not None:
            p["policy"] = json.loads(params["policy"])
            p["policyVersion"] = mock_random.get_random_string(20)
        if params.get("description") is not None:
            p["description"] = params["description"]
        p["lastModifiedDate"] = int(time.time() * 1000)
        return json.dumps({"accessPolicyDetail": access_detail(p)})

    def delete_access_policy(self):
        key = access_policy(self, json.loads(self.body))
        access.pop(key)
        return json.dumps({})

    Response.delete_security_policy = delete_security_policy
    Response.update_collection = update_collection
    Response.create_access_policy = create_access_policy
    Response.get_access_policy = get_access_policy
    Response.update_access_policy = update_access_policy
    Response.delete_access_policy = delete_access_policy


class CborBridge:
    """Smithy RPC v2 CBOR requests, answered through moto's JSON protocol.

    The AWS SDKs now call CloudWatch (and other services that list it) with the rpcv2Cbor
    protocol: POST /service/<ServiceName>/operation/<Operation> with a CBOR body. moto 5.2.5 has
    no CBOR support but speaks awsJson for the same services, so this WSGI layer turns the
    request into its awsJson form (X-Amz-Target, JSON body) and the JSON answer back into CBOR,
    typing numbers, timestamps (CBOR tag 1) and blobs by the service's botocore model as the
    protocol requires.
    """

    PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        match = self.PATH.match(environ.get("PATH_INFO", ""))
        if not match or environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor":
            return self.app(environ, start_response)
        import cbor2

        target, operation = match.groups()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        params = cbor2.loads(raw) if raw else {}
        body = json.dumps(self._to_json(params)).encode()
        inner = dict(environ)
        inner.update(
            {
                "PATH_INFO": "/",
                "CONTENT_TYPE": "application/x-amz-json-1.0",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_X_AMZ_TARGET": f"{target}.{operation}",
                "wsgi.input": io.BytesIO(body),
            }
        )
        inner.pop("HTTP_SMITHY_PROTOCOL", None)
        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        chunks = self.app(inner, capture)
        try:
            text = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        decoded = json.loads(text) if text.strip() else {}
        ok = answer["status"].startswith("2")
        shape = self._output_shape(environ, operation) if ok else None
        out = cbor2.dumps(self._typed(decoded, shape, cbor2))
        headers = [
            (k, v) for k, v in answer["headers"] if k.lower() not in ("content-type", "content-length", "x-amz-target")
        ]
        headers += [
            ("Content-Type", "application/cbor"),
            ("Content-Length", str(len(out))),
            ("smithy-protocol", "rpc-v2-cbor"),
        ]
        start_response(answer["status"], headers)
        return [out]

    @classmethod
    def _to_json(cls, value):
        if isinstance(value, dict):
            return {k: cls._to_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [cls._to_json(v) for v in value]
        if isinstance(value, datetime.datetime):
            return value.timestamp()
        if isinstance(value, (bytes, bytearray)):
            return base64.b64encode(value).decode()
        return value

    _models = {}

    @classmethod
    def _output_shape(cls, environ, operation):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
        signing_name = scope.group(1) if scope else ""
        if signing_name not in cls._models:
            cls._models[signing_name] = cls._find_model(signing_name)
        model = cls._models[signing_name]
        if model is None or operation not in model.operation_names:
            return None
        return model.operation_model(operation).output_shape

    @staticmethod
    def _find_model(signing_name):
        """The botocore model of the rpcv2Cbor service signing as `signing_name`."""
        import botocore.session

        session = botocore.session.get_session()
        loader = session.get_component("data_loader")
        for service in session.get_available_services():
            metadata = loader.load_service_model(service, "service-2").get("metadata", {})
            if "smithy-rpc-v2-cbor" not in metadata.get("protocols", [metadata.get("protocol")]):
                continue
            model = session.get_service_model(service)
            if signing_name in (model.signing_name, model.endpoint_prefix):
                return model
        return None

    @classmethod
    def _typed(cls, value, shape, cbor2):
        if shape is None or value is None:
            return value
        kind = shape.type_name
        if kind == "structure" and isinstance(value, dict):
            return {
                k: cls._typed(v, shape.members.get(k), cbor2) for k, v in value.items()
            }
        if kind == "list" and isinstance(value, list):
            return [cls._typed(v, shape.member, cbor2) for v in value]
        if kind == "map" and isinstance(value, dict):
            return {k: cls._typed(v, shape.value, cbor2) for k, v in value.items()}
        if kind == "timestamp" and isinstance(value, (int, float)):
            return cbor2.CBORTag(1, float(value))
        if kind == "timestamp" and isinstance(value, str):
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return cbor2.CBORTag(1, parsed.timestamp())
        if kind in ("double", "float") and isinstance(value, (int, float)):
            return float(value)
        if kind in ("integer", "long") and isinstance(value, float):
            return int(value)
        if kind == "blob" and isinstance(value, str):
            return base64.b64decode(value)
        return value


def patch_rds():
    """RDS: answer as AWS does where infractl's and Terraform's reads depend on it.

    - Every DB instance gets its own DbiResourceId. moto 5.2.5 gives all instances the same
      fixed id (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U); AWS makes a unique, immutable one per instance,
      and the AWS provider (since 5.0) and infractl use it as the instance's id.
    - DeleteDBSubnetGroup refuses a group a DB instance or cluster still uses
      (InvalidDBSubnetGroupStateFault), as AWS does; moto deletes it and leaves the instance
      pointing at nothing.
    """
    import random
    import string

    from moto.rds import models
    from moto.rds.exceptions import RDSClientError

    original_init = models.DBInstance.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        alphabet = string.ascii_uppercase + string.digits
        self.dbi_resource_id = "db-" + "".join(random.choice(alphabet) for _ in range(26))

    models.DBInstance.__init__ = init

    original_delete = models.RDSBackend.delete_subnet_group

    def delete_subnet_group(self, subnet_name):
        users = [
            db.db_instance_identifier
            for db in self.databases.values()
            if getattr(getattr(db, "db_subnet_group", None), "name", None) == subnet_name
        ]
        users += [
            c.db_cluster_identifier
            for c in self.clusters.values()
            if getattr(c, "db_subnet_group_name", None) == subnet_name
        ]
        if users:
            raise RDSClientError(
                "InvalidDBSubnetGroupStateFault",
                f"Cannot delete the subnet group '{subnet_name}' because at least one database "
                f"instance: {users[0]} is still using it.",
            )
        return original_delete(self, subnet_name)

    models.RDSBackend.delete_subnet_group = delete_subnet_group

    patch_rds_reset_parameters()


def patch_rds_reset_parameters():
    """ResetDBParameterGroup and ResetDBClusterParameterGroup: put parameters back to the
    engine's defaults.

    moto 5.2.5 has neither call (HTTP 500). AWS documents both: the named parameters (or all,
    with ResetAllParameters) lose the value the user set, so DescribeDB(Cluster)Parameters with
    Source=user no longer lists them.
    """
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import RDSClientError
    from moto.rds.responses import RDSResponse

    def reset(self, groups, name_key):
        name = self.params.get(name_key)
        group = groups.get(name)
        if group is None:
            raise RDSClientError("DBParameterGroupNotFound", f"DBParameterGroup not found: {name}")
        if str(self.params.get("ResetAllParameters", "")).lower() == "true":
            group.parameters.clear()
        for param in self.params.get("Parameters", []) or []:
            item = param.original_dict() if hasattr(param, "original_dict") else param
            group.parameters.pop(item.get("ParameterName"), None)
        return ActionResult({name_key: name})

    def reset_db_parameter_group(self):
        return reset(self, self.backend.db_parameter_groups, "DBParameterGroupName")

    def reset_db_cluster_parameter_group(self):
        return reset(self, self.backend.db_cluster_parameter_groups, "DBClusterParameterGroupName")

    RDSResponse.reset_db_parameter_group = reset_db_parameter_group
    RDSResponse.reset_db_cluster_parameter_group = reset_db_cluster_parameter_group


def bridge_cbor():
    """Serves rpcv2Cbor requests through moto's JSON protocol (see CborBridge)."""
    import moto.server

    original = moto.server.run_simple

    def run_simple(host, port, app, **kwargs):
        return original(host, port, CborBridge(app), **kwargs)

    moto.server.run_simple = run_simple


if __name__ == "__main__":
    patch_s3_secure_transport()
    patch_s3_versioning_root()
    patch_ec2_gateway_endpoint_routes()
    patch_ecs_service_settings()
    patch_sns_topic_attributes()
    patch_appautoscaling_tags()
    patch_apigateway_openapi_import()
    patch_apigateway_tags()
    patch_opensearch_serverless()
    patch_rds()
    bridge_cbor()
    sys.exit(main(sys.argv[1:]))
