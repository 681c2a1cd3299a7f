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


if __name__ == "__main__":
    patch_s3_secure_transport()
    patch_s3_versioning_root()
    patch_ec2_gateway_endpoint_routes()
    sys.exit(main(sys.argv[1:]))
