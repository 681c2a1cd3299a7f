"""Starts moto's server after applying the compatibility patches infractl's stacks need.

Each patch is a small, named fix for a gap measured in moto 5.2.5 (see ../shared/EMULATOR.md).
The emulator speaks plain HTTP on loopback, standing in for AWS endpoints that clients always
reach over TLS; the patches make it answer as AWS would for those clients.
"""
import json
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


if __name__ == "__main__":
    patch_s3_secure_transport()
    patch_s3_versioning_root()
    patch_ec2_gateway_endpoint_routes()
    patch_ecs_service_settings()
    patch_appautoscaling_tags()
    sys.exit(main(sys.argv[1:]))
