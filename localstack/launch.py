"""Starts moto's server after applying the compatibility patches infractl's stacks need.

Each patch is a small, named fix for a gap measured in moto 5.2.5 (see ../shared/EMULATOR.md).
The emulator speaks plain HTTP on loopback, standing in for AWS endpoints that clients always
reach over TLS; the patches make it answer as AWS would for those clients.
"""
import base64
import datetime
import inspect
import io
import json
import re
import sys

from moto.server import main


def filtered_by(found, filters, fields):
    """EC2 Describe filters over answer dicts with `Tags`: `tag:<key>`, `tag-key`, and the named
    filters of `fields` (filter name -> answer field); other filters are left alone."""
    for name, values in filters.items():
        if name.startswith("tag:"):
            key = name[4:]
            found = [o for o in found if any(t["Key"] == key and t["Value"] in values for t in o["Tags"])]
        elif name == "tag-key":
            found = [o for o in found if any(t["Key"] in values for t in o["Tags"])]
        elif name in fields:
            found = [o for o in found if o[fields[name]] in values]
    return found


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


def patch_s3_accelerate_suspended():
    """PutBucketAccelerateConfiguration with Suspended sets the bucket's Transfer Acceleration
    state even where it was never enabled: GetBucketAccelerateConfiguration "does not return a
    state value for a bucket that has no transfer acceleration state", and a bucket has none only
    "if a state has never been set on the bucket". moto ignored Suspended on such a bucket and
    answered no state, so a suspended configuration (terraform-aws-modules/s3-bucket's complete
    example) read back as missing.
    """
    from moto.s3.models import FakeBucket

    def set_accelerate_configuration(self, accelerate_config):
        self.accelerate_configuration = accelerate_config

    FakeBucket.set_accelerate_configuration = set_accelerate_configuration


def patch_s3_object_lock_on_used_buckets():
    """PutObjectLockConfiguration changes the default retention of a bucket that already has
    Object Lock whatever it holds: AWS lets "the default retention settings" of a locked bucket
    change at any time, and enables Object Lock on existing buckets too. moto refused any call on
    a bucket holding objects ("Bucket needs to be empty"), so a locked bucket's configuration
    failed when an object was written first (terraform-aws-modules/s3-bucket's object example).
    The check now applies only to a bucket that does not have Object Lock yet, as moto had it.
    """
    from moto.s3.models import S3Backend

    original = S3Backend.put_object_lock_configuration

    def put_object_lock_configuration(self, bucket_name, lock_enabled, mode=None, days=None, years=None):
        bucket = self.get_bucket(bucket_name)
        if not bucket.object_lock_enabled:
            return original(self, bucket_name, lock_enabled, mode=mode, days=days, years=years)
        if not bucket.is_versioned:
            return original(self, bucket_name, lock_enabled, mode=mode, days=days, years=years)
        bucket.versioning_status = "Enabled"
        bucket.default_lock_mode = mode
        bucket.default_lock_days = days
        bucket.default_lock_years = years

    S3Backend.put_object_lock_configuration = put_object_lock_configuration


def patch_s3_versioning_mfa_delete():
    """GetBucketVersioning answers MfaDelete once PutBucketVersioning has set it ("This element is
    only returned if the bucket has been configured with MFA delete"), Enabled or Disabled. moto
    read only the Status of the request and never answered MfaDelete, so a bucket configured with
    `mfa_delete = "Disabled"` read back as never configured. The setting is now kept and answered.
    (S3 requires the x-amz-mfa header to change it; like moto's other MFA checks, it is not
    verified here.)
    """
    import re

    from moto.s3.responses import S3Response

    original_put = S3Response._bucket_response_put
    original_get = S3Response.get_bucket_versioning

    def _bucket_response_put(self, request, bucket_name, querystring):
        answer = original_put(self, request, bucket_name, querystring)
        if querystring and "versioning" in querystring:
            body = self.body.decode("utf-8") if isinstance(self.body, bytes) else str(self.body or "")
            found = re.search(r"<MfaDelete>(Enabled|Disabled)</MfaDelete>", body)
            if found:
                self.backend.get_bucket(bucket_name).mfa_delete = found.group(1)
        return answer

    def get_bucket_versioning(self):
        answer = original_get(self)
        mfa_delete = getattr(self.backend.get_bucket(self.bucket_name), "mfa_delete", None)
        if not mfa_delete:
            return answer
        status, headers, body = answer if isinstance(answer, tuple) else (200, {}, answer)
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        body = body.replace("</VersioningConfiguration>", f"<MfaDelete>{mfa_delete}</MfaDelete></VersioningConfiguration>")
        return status, headers, body

    S3Response._bucket_response_put = _bucket_response_put
    S3Response.get_bucket_versioning = get_bucket_versioning


def patch_s3_one_canonical_owner():
    """An account has one canonical user id: ListBuckets answers the same Owner ID that bucket
    and object ACLs name (data "aws_canonical_user_id" reads it to write ACL grants and owners).
    moto answered ListBuckets with a fixed id of its own and ACLs with another, so an ACL written
    with the account's id never read back as written.
    """
    from moto.s3 import models
    from moto.s3.responses import S3Response

    original = S3Response.all_buckets

    def all_buckets(self):
        answer = original(self)
        status, headers, body = answer if isinstance(answer, tuple) else (200, {}, answer)
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        return status, headers, body.replace("bcaf1ffd86f41161ca5fb16fd081034f", models.OWNER)

    S3Response.all_buckets = all_buckets


def patch_s3_logging_policy_shapes():
    """PutBucketLogging: read the target bucket's policy in every shape IAM allows.

    To decide whether the log delivery service may write to the target bucket, moto 5.2.5 reads
    the target's policy assuming each statement's Principal is an object, Statement a list,
    Action a list and Resource a string. A policy with `"Principal": "*"` (a deny of insecure
    transport, which the s3-bucket module attaches to log buckets) made it fail with HTTP 500.
    The IAM policy grammar allows a string or an object for Principal, one statement or a list,
    and a string or a list for Service, Action and Resource; all of them are read here.
    """
    from moto.s3 import models

    def as_list(v):
        if v is None:
            return []
        return v if isinstance(v, list) else [v]

    def allows_log_delivery(target_bucket, target_prefix):
        policy = target_bucket.policy
        if not policy:
            return False
        document = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
        wanted = {
            f"arn:{target_bucket.partition}:s3:::{target_bucket.name}/{target_prefix or ''}*",
            f"arn:{target_bucket.partition}:s3:::{target_bucket.name}/*",
            f"arn:{target_bucket.partition}:s3:::{target_bucket.name}",
        }
        for stmt in as_list(document.get("Statement")):
            principal = stmt.get("Principal")
            services = as_list(principal.get("Service")) if isinstance(principal, dict) else []
            if models.LOGGING_SERVICE_PRINCIPAL not in services or stmt.get("Effect") != "Allow":
                continue
            actions = as_list(stmt.get("Action"))
            if "s3:PutObject" not in actions and "s3:*" not in actions and "*" not in actions:
                continue
            if wanted.intersection(as_list(stmt.get("Resource"))):
                return True
        return False

    models.FakeBucket._log_permissions_enabled_policy = staticmethod(allows_log_delivery)


def patch_s3_logging_key_format():
    """GetBucketLogging answers the TargetObjectKeyFormat that PutBucketLogging set (a simple
    prefix, or a partitioned prefix with its PartitionDateSource). moto kept the element it was
    sent but answered only the target bucket, prefix and grants, so a partitioned log layout
    read back as none (terraform-aws-modules/s3-bucket's complete example).
    """
    from xml.sax.saxutils import escape

    from moto.s3.responses import S3Response

    original = S3Response.get_bucket_logging

    def get_bucket_logging(self):
        answer = original(self)
        logging = self.backend.get_bucket_logging(self.bucket_name) or {}
        key_format = logging.get("TargetObjectKeyFormat")
        if not isinstance(key_format, dict):
            return answer
        if "PartitionedPrefix" in key_format:
            source = (key_format.get("PartitionedPrefix") or {}).get("PartitionDateSource")
            inner = "<PartitionedPrefix>" + (
                f"<PartitionDateSource>{escape(source)}</PartitionDateSource>" if source else ""
            ) + "</PartitionedPrefix>"
        elif "SimplePrefix" in key_format:
            inner = "<SimplePrefix/>"
        else:
            return answer
        status, headers, body = answer if isinstance(answer, tuple) else (200, {}, answer)
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        element = f"<TargetObjectKeyFormat>{inner}</TargetObjectKeyFormat>"
        return status, headers, body.replace("</LoggingEnabled>", element + "</LoggingEnabled>")

    S3Response.get_bucket_logging = get_bucket_logging


def patch_s3_xml_roots():
    """GetBucketVersioning, GetBucketAccelerateConfiguration: answer with AWS's root element.

    moto's serializer names the root after the operation (<GetBucketVersioningResponse>,
    <GetBucketAccelerateConfigurationResponse>); S3 (and the AWS SDK for Rust, which checks it)
    uses <VersioningConfiguration> and <AccelerateConfiguration>. (Inventory listings are
    answered by patch_s3_bucket_configurations.)
    """
    from moto.s3.responses import S3Response

    roots = {
        "get_bucket_versioning": ("GetBucketVersioningResponse", "VersioningConfiguration"),
        "get_bucket_accelerate_configuration": (
            "GetBucketAccelerateConfigurationResponse",
            "AccelerateConfiguration",
        ),
    }

    def renamed(original, wrong, right):
        def method(self):
            status, headers, body = original(self)
            text = body.decode() if isinstance(body, bytes) else body
            text = text.replace(f"<{wrong}", f"<{right}").replace(f"</{wrong}>", f"</{right}>")
            return status, headers, text

        return method

    for name, (wrong, right) in roots.items():
        setattr(S3Response, name, renamed(getattr(S3Response, name), wrong, right))


def patch_ec2_detach_volume_by_id():
    """DetachVolume with only a VolumeId: detach it from the instance it is attached to.

    moto 5.2.5 looks the instance up from InstanceId alone and fails with HTTP 500 when it is
    left out; EC2 documents InstanceId and Device as optional (the volume has one attachment
    unless it is a Multi-Attach volume).
    """
    from moto.ec2.models import EC2Backend

    original = EC2Backend.detach_volume

    def detach_volume(self, volume_id, instance_id, device_path):
        if not instance_id:
            attachment = self.get_volume(volume_id).attachment
            if attachment is not None:
                instance_id = attachment.instance.id
        return original(self, volume_id, instance_id, device_path)

    EC2Backend.detach_volume = detach_volume


def patch_ec2_instance_block_devices():
    """RunInstances block device mappings as EC2 applies them (EC2 user guide, "Block device
    mappings"; API reference, BlockDeviceMapping and EbsBlockDevice).

    moto 5.2.5 makes the AMI's root volume only when the request has no mapping, and always at
    /dev/sda1 whatever the AMI's root device name; it refuses an instance store mapping
    (VirtualName, no Ebs) and a mapping of the root device without a size; it drops a mapping's
    Throughput and IOPS. EC2 always makes the root volume from the AMI, at the AMI's root
    device name, and a mapping of that name changes its size, type, IOPS, throughput,
    encryption and DeleteOnTermination (the size defaults to the AMI's); another EBS mapping
    needs a size or a snapshot; an instance store mapping is not an EBS volume, so neither
    DescribeInstances nor DescribeVolumes lists it; NoDevice suppresses one of the AMI's
    devices. The DeleteOnTermination of a mapping defaults to true. A gp3 volume has a
    throughput of 125 MiB/s unless asked otherwise (moto leaves it unset). An Auto Scaling group
    launching from a launch configuration applies the configuration's mappings the same way.
    """
    from moto.ec2.exceptions import MissingParameterError
    from moto.ec2.models import EC2Backend
    from moto.ec2.models.instances import Instance
    from moto.ec2.responses.instances import InstanceResponse

    def flag(v, default=False):
        if v is None:
            return default
        return v if isinstance(v, bool) else str(v).lower() == "true"

    def number(v):
        return None if v in (None, "") else int(v)

    def parse(self):
        mappings = []
        for m in self._get_param("BlockDeviceMappings", []):
            if "NoDevice" not in m and not m.get("VirtualName") and "Ebs" not in m:
                raise MissingParameterError("ebs")
            mappings.append(
                {
                    "DeviceName": m.get("DeviceName"),
                    "VirtualName": m.get("VirtualName"),
                    "NoDevice": m.get("NoDevice"),
                    "Ebs": dict(m["Ebs"]) if "Ebs" in m else None,
                }
            )
        return mappings

    def setup_defaults(self):
        volume = self.ec2_backend.create_volume(size=8, zone_name=self._placement.zone)
        self.ec2_backend.attach_volume(volume.id, self.id, self.root_device_name or "/dev/sda1", True)

    def root_name(backend, image_id):
        try:
            images = backend.describe_images(ami_ids=[image_id])
        except Exception:
            images = []
        return images[0].root_device_name if images else "/dev/sda1"

    def apply(backend, instance, mappings, volume_tags):
        root = instance.root_device_name
        for m in mappings:
            name = m["DeviceName"]
            if m.get("VirtualName"):
                continue
            held = instance.block_device_mapping.get(name)
            if m.get("NoDevice") is not None:
                if held is not None and name != root:
                    backend.detach_volume(held.volume_id, instance.id, name)
                    backend.delete_volume(held.volume_id)
                continue
            ebs = m["Ebs"] or {}
            size = number(ebs.get("VolumeSize"))
            if held is not None:
                if size is None and not ebs.get("SnapshotId"):
                    size = backend.get_volume(held.volume_id).size
                backend.detach_volume(held.volume_id, instance.id, name)
                backend.delete_volume(held.volume_id)
            volume = backend.create_volume(
                size=size,
                zone_name=instance._placement.zone,
                snapshot_id=ebs.get("SnapshotId"),
                encrypted=flag(ebs.get("Encrypted")),
                kms_key_id=ebs.get("KmsKeyId"),
                volume_type=ebs.get("VolumeType"),
                iops=number(ebs.get("Iops")),
                throughput=number(ebs.get("Throughput")),
            )
            backend.attach_volume(volume.id, instance.id, name, flag(ebs.get("DeleteOnTermination"), True))
            volume.add_tags(volume_tags)

    original_run = EC2Backend.run_instances

    def run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
        mappings = kwargs.pop("block_device_mappings", None)
        config = kwargs.get("launch_config")
        if not mappings and config is not None and config.block_device_mapping_dict:
            # A group launching from a launch configuration: its mappings apply as a
            # RunInstances request's would (moto read each one's Ebs part, which an instance
            # store or NoDevice mapping lacks, and failed with a 500).
            mappings = [dict(m, Ebs=m.get("Ebs")) for m in config.block_device_mapping_dict]
            kwargs["launch_config"] = None
        if not mappings:
            return original_run(self, image_id, count, user_data, security_group_names, **kwargs)
        root = root_name(self, image_id)
        for m in mappings:
            ebs = m.get("Ebs") or {}
            if m.get("VirtualName") or m.get("NoDevice") is not None or m.get("DeviceName") == root:
                continue
            if not ebs.get("VolumeSize") and not ebs.get("SnapshotId"):
                raise MissingParameterError("size or snapshotId")
        volume_tags = (kwargs.get("tags") or {}).get("volume", {})
        reservation = original_run(self, image_id, count, user_data, security_group_names, **kwargs)
        for instance in reservation.instances:
            apply(self, instance, mappings, volume_tags)
        return reservation

    original_create_volume = EC2Backend.create_volume

    def create_volume(self, *args, **kwargs):
        # A gp3 volume has 125 MiB/s unless asked otherwise (moto leaves it unset).
        volume = original_create_volume(self, *args, **kwargs)
        if volume.volume_type == "gp3" and not volume.throughput:
            volume.throughput = 125
        return volume

    InstanceResponse._parse_block_device_mapping = parse
    Instance.setup_defaults = setup_defaults
    EC2Backend.create_volume = create_volume
    EC2Backend.run_instances = run_instances


def patch_ec2_instance_groups_from_interfaces():
    """An instance's SecurityGroups are those of its primary network interface.

    moto 5.2.5 answers no SecurityGroups for an instance launched with the groups on its
    NetworkInterfaces specification (how a public address is asked for), though the interface
    has them; and ModifyInstanceAttribute Groups leaves the interface's own groups as they were.
    EC2 answers the primary interface's groups for the instance, and changing the instance's
    groups changes that interface's (EC2 API reference, Instance and ModifyInstanceAttribute).
    """
    from moto.ec2.models import EC2Backend

    def primary(instance):
        return next((n for n in instance.nics.values() if n.device_index == 0), None)

    original_run = EC2Backend.run_instances

    def run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
        reservation = original_run(self, image_id, count, user_data, security_group_names, **kwargs)
        for instance in reservation.instances:
            nic = primary(instance)
            if not instance.security_groups and nic is not None and nic._group_set:
                instance.security_groups = list(nic._group_set)
        return reservation

    original_modify = EC2Backend.modify_instance_security_groups

    def modify_instance_security_groups(self, instance_id, new_group_id_list):
        instance = original_modify(self, instance_id, new_group_id_list)
        nic = primary(instance)
        if nic is not None:
            nic._group_set = list(instance.security_groups)
        return instance

    EC2Backend.run_instances = run_instances
    EC2Backend.modify_instance_security_groups = modify_instance_security_groups


def patch_ec2_network_interfaces():
    """Elastic network interfaces as EC2 keeps them (EC2 API reference: CreateNetworkInterface,
    DeleteNetworkInterface, DescribeNetworkInterfaces, RunInstances, TerminateInstances), where
    moto 5.2.5 differs:
    - the interface type asked for (efa, efa-only, branch, trunk) is kept; moto answered
      `interface` for every one;
    - an interface attached to an instance cannot be deleted (InvalidNetworkInterface.InUse);
      moto deleted it while attached;
    - an interface's security groups are its own; moto answered an attached interface's groups
      joined with its instance's;
    - RunInstances attaches an existing interface with the DeleteOnTermination it is sent (false
      when not sent) and makes the interfaces it creates deleted on termination unless told
      otherwise; at termination EC2 deletes the interfaces so marked and detaches the others,
      which become available. moto marked created interfaces not to be deleted, ignored the
      flag for existing ones, and left every interface it kept attached to the terminated
      instance;
    - RunInstances gives an interface it creates the secondary addresses its specification asks
      for (PrivateIpAddresses not primary, SecondaryPrivateIpAddressCount); moto dropped them.
    """
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface, NetworkInterfaceBackend
    from moto.ec2.models.instances import Instance
    from moto.ec2.responses.elastic_network_interfaces import ElasticNetworkInterfaces

    original_create = ElasticNetworkInterfaces.create_network_interface

    def create_network_interface(self):
        kind = self._get_param("InterfaceType")
        before = set(self.ec2_backend.enis)
        result = original_create(self)
        if kind:
            for eni_id in set(self.ec2_backend.enis) - before:
                self.ec2_backend.enis[eni_id].interface_type = kind
        return result

    original_delete = NetworkInterfaceBackend.delete_network_interface

    def delete_network_interface(self, eni_id):
        eni = self.enis.get(eni_id)
        if eni is not None and eni.instance is not None and eni.attachment_id:
            raise EC2ClientError(
                "InvalidNetworkInterface.InUse", f"Network interface '{eni_id}' is currently in use."
            )
        return original_delete(self, eni_id)

    def truthy(v):
        return v is True or str(v).lower() == "true"

    original_prep = Instance.prep_nics

    def prep_nics(self, nic_spec, *args, **kwargs):
        given = {int(n.get("DeviceIndex")): n for n in (nic_spec or []) if n.get("DeviceIndex") is not None}
        existing = {i for i, n in given.items() if n.get("NetworkInterfaceId")}
        flags = {i: n.get("DeleteOnTermination") for i, n in given.items()}
        secondaries = {
            i: [a.get("PrivateIpAddress") for a in (n.get("PrivateIpAddresses") or []) if not truthy(a.get("Primary"))]
            for i, n in given.items()
        }
        counts = {i: int(n.get("SecondaryPrivateIpAddressCount") or 0) for i, n in given.items()}
        original_prep(self, nic_spec, *args, **kwargs)
        for index, nic in self.nics.items():
            flag = flags.get(index)
            if index in existing:
                nic.delete_on_termination = truthy(flag)
                continue
            nic.delete_on_termination = flag is None or truthy(flag)
            if secondaries.get(index) or counts.get(index):
                self.ec2_backend.assign_private_ip_addresses(nic.id, secondaries.get(index), counts.get(index))

    original_terminate = Instance.terminate

    def terminate(self):
        for nic in self.nics.values():
            nic.instance = None
            nic.attachment_id = None
            nic.attach_time = None
            nic.status = "available"
        return original_terminate(self)

    ElasticNetworkInterfaces.create_network_interface = create_network_interface
    NetworkInterfaceBackend.delete_network_interface = delete_network_interface
    NetworkInterface.group_set = property(lambda self: self._group_set)
    Instance.prep_nics = prep_nics
    Instance.terminate = terminate


def patch_ec2_placement_groups():
    """Placement groups, which moto 5.2.5 lacks: CreatePlacementGroup (cluster, partition with 1
    to 7 partitions, 2 by default, or spread at the rack or host level, rack by default, with
    tags), DescribePlacementGroups (by names, ids or filters) and DeletePlacementGroup, as the
    EC2 API reference describes them; RunInstances refuses a group that does not exist
    (InvalidPlacementGroup.Unknown), as EC2 does.
    """
    import secrets

    from moto.core.responses import ActionResult
    from moto.ec2 import utils as ec2_utils
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses.instances import InstanceResponse

    # Tags are put on a group's pg- id (CreateTags refused the prefix it did not know).
    ec2_utils.EC2_RESOURCE_TO_PREFIX["placement-group"] = "pg"
    ec2_utils.EC2_PREFIX_TO_RESOURCE["pg"] = "placement-group"

    def groups_of(backend):
        if not hasattr(backend, "_placement_groups"):
            backend._placement_groups = {}
        return backend._placement_groups

    def unknown(name):
        return EC2ClientError("InvalidPlacementGroup.Unknown", f"The Placement Group '{name}' is unknown.")

    def invalid(message):
        return EC2ClientError("InvalidParameterValue", message)

    def answer(self, group):
        tags = self.ec2_backend.tags.get(group["GroupId"], {})
        return {**group, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    def create_placement_group(self):
        name = self._get_param("GroupName")
        strategy = self._get_param("Strategy")
        groups = groups_of(self.ec2_backend)
        if name in groups:
            raise EC2ClientError("InvalidPlacementGroup.Duplicate", f"The placement group '{name}' already exists.")
        if strategy not in ("cluster", "partition", "spread"):
            raise invalid(f"Value ({strategy}) for parameter strategy is invalid.")
        count = self._get_param("PartitionCount")
        spread = self._get_param("SpreadLevel")
        if count is not None and strategy != "partition":
            raise invalid("PartitionCount is only valid for the partition strategy.")
        if spread is not None and strategy != "spread":
            raise invalid("SpreadLevel is only valid for the spread strategy.")
        group_id = "pg-" + secrets.token_hex(9)[:17]
        group = {
            "GroupName": name,
            "State": "available",
            "Strategy": strategy,
            "GroupId": group_id,
            "GroupArn": f"arn:aws:ec2:{self.region}:{self.current_account}:placement-group/{name}",
        }
        if strategy == "partition":
            count = int(count if count is not None else 2)
            if not 1 <= count <= 7:
                raise invalid(f"Value ({count}) for parameter partitionCount is invalid.")
            group["PartitionCount"] = count
        if strategy == "spread":
            group["SpreadLevel"] = spread or "rack"
        groups[name] = group
        tags = self._parse_tag_specification().get("placement-group", {})
        if tags:
            self.ec2_backend.create_tags([group_id], tags)
        return ActionResult({"PlacementGroup": answer(self, group)})

    def describe_placement_groups(self):
        groups = groups_of(self.ec2_backend)
        names = self._get_param("GroupNames", [])
        ids = self._get_param("GroupIds", [])
        found = list(groups.values())
        if names:
            missing = [n for n in names if n not in groups]
            if missing:
                raise unknown(missing[0])
            found = [groups[n] for n in names]
        if ids:
            found = [g for g in found if g["GroupId"] in ids]
            if not found:
                raise EC2ClientError("InvalidPlacementGroupId.NotFound", f"The placement group ID '{ids[0]}' does not exist.")
        found = [answer(self, g) for g in found]
        fields = {"group-name": "GroupName", "state": "State", "strategy": "Strategy"}
        found = filtered_by(found, self._filters_from_querystring(), fields)
        return ActionResult({"PlacementGroups": found})

    def delete_placement_group(self):
        name = self._get_param("GroupName")
        groups = groups_of(self.ec2_backend)
        if name not in groups:
            raise unknown(name)
        in_use = any(
            getattr(i.placement, "group_name", "") == name and i.state not in ("terminated", "shutting-down")
            for i in self.ec2_backend.all_instances()
        )
        if in_use:
            raise EC2ClientError("InvalidPlacementGroup.InUse", f"The placement group '{name}' is in use and may not be deleted.")
        group = groups.pop(name)
        self.ec2_backend.tags.pop(group["GroupId"], None)
        return ActionResult({})

    original_response_run = InstanceResponse.run_instances

    def checked_run_instances(self):
        name = self._get_param("Placement.GroupName")
        if name and name not in groups_of(self.ec2_backend):
            raise unknown(name)
        return original_response_run(self)

    InstanceResponse.create_placement_group = create_placement_group
    InstanceResponse.describe_placement_groups = describe_placement_groups
    InstanceResponse.delete_placement_group = delete_placement_group
    InstanceResponse.run_instances = checked_run_instances


def patch_ec2_instance_launch_options():
    """The launch options of an instance kept and answered as EC2 does: EnclaveOptions
    (Enabled false unless asked for), HibernationOptions (Configured), the credit option of a
    burstable type (DescribeInstanceCreditSpecifications: what RunInstances or
    ModifyInstanceCreditSpecification set, else the type's default: standard for T2, unlimited
    for T3, T3a and T4g), CpuOptions (the type's default cores and threads unless asked),
    MaintenanceOptions (AutoRecovery default), PrivateDnsNameOptions (ip-name, no resource
    name records), CapacityReservationSpecification (open) and the placement group and
    partition, with the modify calls of each, as the EC2 API reference describes them.

    moto 5.2.5 drops all of these but hibernation, answers every credit specification
    "standard" and has none of the modify calls.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.models.instance_types import INSTANCE_TYPES
    from moto.ec2.responses.instances import InstanceResponse

    def flag(v):
        return v if isinstance(v, bool) else str(v).lower() == "true"

    original_run = InstanceResponse.run_instances

    def given(name, default):
        return default if name is None else name

    def run_instances(self):
        p = self._get_param
        enclave = p("EnclaveOptions.Enabled")
        credits = p("CreditSpecification.CpuCredits")
        hibernation = p("HibernationOptions.Configured")
        cores, threads, sev = p("CpuOptions.CoreCount"), p("CpuOptions.ThreadsPerCore"), p("CpuOptions.AmdSevSnp")
        recovery = p("MaintenanceOptions.AutoRecovery")
        dns = {
            "HostnameType": p("PrivateDnsNameOptions.HostnameType"),
            "EnableResourceNameDnsARecord": p("PrivateDnsNameOptions.EnableResourceNameDnsARecord"),
            "EnableResourceNameDnsAAAARecord": p("PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord"),
        }
        preference = p("CapacityReservationSpecification.CapacityReservationPreference")
        target = {
            k: v
            for k, v in {
                "CapacityReservationId": p(
                    "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId"
                ),
                "CapacityReservationResourceGroupArn": p(
                    "CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationResourceGroupArn"
                ),
            }.items()
            if v
        }
        group, partition = p("Placement.GroupName"), p("Placement.PartitionNumber")
        result = original_run(self)
        for instance in result.result.instances:
            instance.enclave_options = {"Enabled": flag(enclave) if enclave is not None else False}
            instance.hibernation_options = {"Configured": flag(hibernation) if hibernation is not None else False}
            if credits:
                instance.cpu_credits = credits
            vcpu = INSTANCE_TYPES.get(instance.instance_type, {}).get("VCpuInfo", {})
            instance.cpu_options = {
                "CoreCount": int(given(cores, vcpu.get("DefaultCores", 1))),
                "ThreadsPerCore": int(given(threads, vcpu.get("DefaultThreadsPerCore", 1))),
            }
            if sev:
                instance.cpu_options["AmdSevSnp"] = sev
            instance.maintenance_options = {"AutoRecovery": given(recovery, "default")}
            instance.private_dns_name_options = {
                "HostnameType": given(dns["HostnameType"], "ip-name"),
                "EnableResourceNameDnsARecord": flag(given(dns["EnableResourceNameDnsARecord"], False)),
                "EnableResourceNameDnsAAAARecord": flag(given(dns["EnableResourceNameDnsAAAARecord"], False)),
            }
            instance.capacity_reservation_specification = (
                {"CapacityReservationTarget": target} if target else {"CapacityReservationPreference": preference or "open"}
            )
            if group:
                instance.placement.group_name = group
            if partition is not None:
                instance.placement.partition_number = int(partition)
        return result

    def modify_instance_maintenance_options(self):
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        recovery = self._get_param("AutoRecovery")
        if recovery:
            instance.maintenance_options = {"AutoRecovery": recovery}
        return ActionResult({"InstanceId": instance.id, "AutoRecovery": instance.maintenance_options["AutoRecovery"]})

    def modify_private_dns_name_options(self):
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        options = instance.private_dns_name_options
        for name, param in (
            ("HostnameType", "PrivateDnsHostnameType"),
            ("EnableResourceNameDnsARecord", "EnableResourceNameDnsARecord"),
            ("EnableResourceNameDnsAAAARecord", "EnableResourceNameDnsAAAARecord"),
        ):
            value = self._get_param(param)
            if value is not None:
                options[name] = value if name == "HostnameType" else flag(value)
        return ActionResult({"Return": True})

    def modify_instance_capacity_reservation_attributes(self):
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        preference = self._get_param("CapacityReservationSpecification.CapacityReservationPreference")
        target = self._get_param("CapacityReservationSpecification.CapacityReservationTarget") or {}
        instance.capacity_reservation_specification = (
            {"CapacityReservationTarget": dict(target)} if target else {"CapacityReservationPreference": preference or "open"}
        )
        return ActionResult({"Return": True})

    def default_credits(instance):
        family = instance.instance_type.split(".")[0]
        return "standard" if family == "t2" else "unlimited"

    def describe_instance_credit_specifications(self):
        instances = self.ec2_backend.describe_instance_credit_specifications(
            instance_ids=self._get_param("InstanceIds", [])
        )
        return ActionResult(
            {
                "InstanceCreditSpecifications": [
                    {"InstanceId": i.id, "CpuCredits": getattr(i, "cpu_credits", None) or default_credits(i)}
                    for i in instances
                ]
            }
        )

    def modify_instance_credit_specification(self):
        done = []
        for spec in self._get_param("InstanceCreditSpecifications", []):
            instance = self.ec2_backend.get_instance(spec["InstanceId"])
            instance.cpu_credits = spec["CpuCredits"]
            done.append({"InstanceId": instance.id})
        return ActionResult(
            {"SuccessfulInstanceCreditSpecifications": done, "UnsuccessfulInstanceCreditSpecifications": []}
        )

    InstanceResponse.run_instances = run_instances
    InstanceResponse.describe_instance_credit_specifications = describe_instance_credit_specifications
    InstanceResponse.modify_instance_credit_specification = modify_instance_credit_specification
    InstanceResponse.modify_instance_maintenance_options = modify_instance_maintenance_options
    InstanceResponse.modify_private_dns_name_options = modify_private_dns_name_options
    InstanceResponse.modify_instance_capacity_reservation_attributes = modify_instance_capacity_reservation_attributes


def patch_s3_delete_objects_version_ids():
    """DeleteObjects: name the version of each key it could not delete.

    moto answers a refused version (Object Lock retention, a legal hold) with only its Key,
    Code and Message. S3 returns the VersionId the request named in each <Error>, which is how
    a client knows which version to act on (Terraform's force_destroy lifts that version's
    legal hold and deletes it again).
    """
    import threading
    from xml.sax.saxutils import escape

    from moto.s3.models import S3Backend
    from moto.s3.responses import S3Response

    refused = threading.local()
    original_backend = S3Backend.delete_objects

    def delete_objects(self, bucket_name, objects, bypass_retention=False):
        deleted, errored = original_backend(self, bucket_name, objects, bypass_retention)
        done = {(k, v) for k, v, _ in deleted}
        refused.versions = [
            (o["Key"], o.get("VersionId"))
            for o in objects
            if (o["Key"], o.get("VersionId")) not in done and o["Key"] in errored
        ]
        return deleted, errored

    S3Backend.delete_objects = delete_objects
    original_response = S3Response._bucket_response_delete_keys

    def _bucket_response_delete_keys(self, bucket_name, authenticated=True):
        refused.versions = []
        answer = original_response(self, bucket_name, authenticated)
        status, headers, body = answer
        text = body.decode() if isinstance(body, bytes) else body
        at = 0
        for key, version in refused.versions:
            if not version:
                continue
            marker = f"<Error><Key>{escape(key)}</Key>"
            found = text.find(marker, at)
            while found >= 0 and "lock" not in text[found : text.find("</Error>", found)]:
                found = text.find(marker, found + len(marker))
            if found < 0:
                continue
            cut = found + len(marker)
            text = text[:cut] + f"<VersionId>{escape(version)}</VersionId>" + text[cut:]
            at = cut
        return status, headers, text

    S3Response._bucket_response_delete_keys = _bucket_response_delete_keys


def patch_s3_bucket_configurations():
    """S3 bucket settings moto 5.2.5 accepts and forgets, kept and answered as S3 does.

    - Analytics, metrics and Intelligent-Tiering configurations (PUT/GET/DELETE ?analytics&id=,
      ?metrics&id=, ?intelligent-tiering&id=, and the listings without id): moto answers 200 and
      stores nothing. Inventory configurations (?inventory): moto stores them but answers
      IncludedObjectVersions "All" whatever was put, drops an <SSE-S3/> encryption and lists
      optional fields as one field named "Field". S3 keeps each configuration by id, returns it
      as it was put, lists them (ListBucketAnalyticsConfigurationResult,
      ListMetricsConfigurationsResult, ListBucketIntelligentTieringConfigurationsOutput,
      ListInventoryConfigurationsResult), and answers 404 NoSuchConfiguration for an id it does
      not have.
    - Request payment (?requestPayment): moto ignores PutBucketRequestPayment and answers
      GetBucketRequestPayment without a Payer. S3 keeps and returns the payer (BucketOwner by
      default).
    - GetBucketNotificationConfiguration leaves out the EventBridgeConfiguration element that
      S3 returns once EventBridge delivery is on (moto stores the setting).
    - GetBucketReplication answers every rule with an empty prefix filter and delete marker
      replication off, whatever was put, and drops source selection criteria, existing object
      replication and replication time control. S3 returns the rules as they were put.
    - GetBucketLifecycleConfiguration drops a rule filter's object size conditions (alone and
      inside And) and always answers TransitionDefaultMinimumObjectSize
      all_storage_classes_128K. S3 returns the rules as they were put, and the
      x-amz-transition-default-minimum-object-size the PUT gave (all_storage_classes_128K when
      it gave none).
    """
    from moto.s3.responses import S3Response

    kinds = {
        "analytics": ("AnalyticsConfiguration", "ListBucketAnalyticsConfigurationResult"),
        "metrics": ("MetricsConfiguration", "ListMetricsConfigurationsResult"),
        "intelligent-tiering": (
            "IntelligentTieringConfiguration",
            "ListBucketIntelligentTieringConfigurationsOutput",
        ),
        "inventory": ("InventoryConfiguration", "ListInventoryConfigurationsResult"),
    }
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    xml = {"content-type": "application/xml"}
    declaration = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
    original = S3Response._bucket_response

    def _bucket_response(self, request, full_url):
        query = self._get_querystring(request, full_url)
        name = self.parse_bucket_name_from_url(request, full_url)
        kind = next((k for k in kinds if k in query), None)
        method = request.method
        if name and kind and method in ("GET", "PUT", "DELETE"):
            bucket = self.backend.get_bucket(name)
            store = bucket.__dict__.setdefault("_infractl_configs", {}).setdefault(kind, {})
            ident = query.get("id", [None])[0]
            root, listing = kinds[kind]
            if method == "PUT":
                body = self.body.decode() if isinstance(self.body, bytes) else self.body
                store[ident] = declaration.sub("", body)
                return 200, {}, ""
            if method == "DELETE":
                store.pop(ident, None)
                return 204, {}, ""
            if ident is None:
                items = "".join(store[k].replace(" " + ns, "") for k in sorted(store))
                return 200, xml, (
                    f'<?xml version="1.0" encoding="UTF-8"?><{listing} {ns}>'
                    f"<IsTruncated>false</IsTruncated>{items}</{listing}>"
                )
            if ident not in store:
                return 404, xml, (
                    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchConfiguration</Code>'
                    "<Message>The specified configuration does not exist.</Message></Error>"
                )
            return 200, xml, '<?xml version="1.0" encoding="UTF-8"?>' + store[ident]
        if name and "replication" in query and method in ("GET", "PUT", "DELETE"):
            bucket = self.backend.get_bucket(name)
            kept = bucket.__dict__.setdefault("_infractl_configs", {})
            if method == "GET" and getattr(bucket, "replication", None) and kept.get("replication"):
                return 200, xml, '<?xml version="1.0" encoding="UTF-8"?>' + kept["replication"]
            answer = original(self, request, full_url)
            if method == "PUT":
                body = self.body.decode() if isinstance(self.body, bytes) else self.body
                kept["replication"] = declaration.sub("", body)
            elif method == "DELETE":
                kept.pop("replication", None)
            return answer
        if name and "lifecycle" in query and method in ("GET", "PUT", "DELETE"):
            bucket = self.backend.get_bucket(name)
            kept = bucket.__dict__.setdefault("_infractl_configs", {})
            if method == "GET" and getattr(bucket, "rules", None) and kept.get("lifecycle"):
                body, size = kept["lifecycle"]
                headers = dict(xml, **{"x-amz-transition-default-minimum-object-size": size})
                return 200, headers, '<?xml version="1.0" encoding="UTF-8"?>' + body
            answer = original(self, request, full_url)
            if not isinstance(answer, tuple):
                answer = (200, {}, answer)
            if method == "PUT" and answer[0] < 300:
                body = self.body.decode() if isinstance(self.body, bytes) else self.body
                size = request.headers.get("x-amz-transition-default-minimum-object-size") or "all_storage_classes_128K"
                kept["lifecycle"] = (declaration.sub("", body), size)
                answer = (answer[0], dict(answer[1], **{"x-amz-transition-default-minimum-object-size": size}), answer[2])
            elif method == "DELETE":
                kept.pop("lifecycle", None)
            return answer
        if name and "requestPayment" in query and method in ("GET", "PUT"):
            bucket = self.backend.get_bucket(name)
            if method == "PUT":
                body = self.body.decode() if isinstance(self.body, bytes) else self.body
                found = re.search(r"<Payer>(\w+)</Payer>", body)
                if found:
                    bucket.payer = found.group(1)
                return 200, {}, ""
            return 200, xml, (
                f'<?xml version="1.0" encoding="UTF-8"?><RequestPaymentConfiguration {ns}>'
                f"<Payer>{bucket.payer}</Payer></RequestPaymentConfiguration>"
            )
        return original(self, request, full_url)

    S3Response._bucket_response = _bucket_response

    original_notification = S3Response.get_bucket_notification

    def get_bucket_notification(self):
        answer = original_notification(self)
        config = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if config is None or config.event_bridge is None:
            return answer
        status, headers, body = answer
        text = body.decode() if isinstance(body, bytes) else body
        element = "<EventBridgeConfiguration></EventBridgeConfiguration>"
        if "</NotificationConfiguration>" in text:
            text = text.replace("</NotificationConfiguration>", element + "</NotificationConfiguration>")
        else:
            text = re.sub(r"<NotificationConfiguration([^>]*)/>", r"<NotificationConfiguration\1>" + element + "</NotificationConfiguration>", text)
        return status, headers, text

    S3Response.get_bucket_notification = get_bucket_notification


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


def patch_ec2_endpoint_reset_policy():
    """ModifyVpcEndpoint with `ResetPolicy`: AWS puts back the default policy, full access
    (`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",
    "Resource":"*"}]}`, as DescribeVpcEndpoints answers for an endpoint made without one). moto
    5.2.5 ignored the parameter and kept the custom policy.
    """
    import json

    from moto.ec2.models.vpcs import VPCEndPoint
    from moto.ec2.responses.vpcs import VPCs

    original = VPCs.modify_vpc_endpoint

    def modify_vpc_endpoint(self):
        result = original(self)
        if str(self._get_param("ResetPolicy", "")).lower() == "true":
            endpoint_id = self._get_param("VpcEndpointId")
            endpoint = self.ec2_backend.describe_vpc_endpoints(vpc_end_point_ids=[endpoint_id])[0]
            endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
        return result

    VPCs.modify_vpc_endpoint = modify_vpc_endpoint


def patch_ec2_endpoint_service_filters():
    """DescribeVpcEndpointServices: honour the `service-name` filter.

    moto reads that filter's values from a "Value" key the wire format never has, and answers
    500 (KeyError) to every call that filters by service name, which is how the provider's
    `aws_vpc_endpoint_service` data source looks a service up. AWS filters by the names given.
    """
    from moto.ec2.models.vpcs import VPCBackend

    original = VPCBackend._filter_endpoint_services

    def _filter_endpoint_services(service_names_filters, filters, services):
        spelled = [dict(f, Value=f.get("Values", f.get("Value", []))) for f in filters or []]
        return original(service_names_filters, spelled, services)

    VPCBackend._filter_endpoint_services = staticmethod(_filter_endpoint_services)


def patch_ec2_vpc_settings_moto_drops():
    """CreateCustomerGateway, CreateDhcpOptions, CreateVpcEndpoint: keep what AWS keeps.

    moto drops a customer gateway's DeviceName and CertificateArn and a DHCP options set's
    TagSpecifications, which AWS stores and describes back. For interface VPC endpoints it
    gives each network interface a random address outside its subnet, ignores the addresses
    SubnetConfigurations asks for, and keeps neither DnsOptions nor IpAddressType; AWS takes
    each interface's address from its subnet (the configured one when given) and describes the
    endpoint's DNS options and address type back (`ipv4` unless asked otherwise).
    """
    import ipaddress
    import random

    from moto.ec2.responses.customer_gateways import CustomerGateways
    from moto.ec2.responses.dhcp_options import DHCPOptions
    from moto.ec2.responses.vpcs import VPCs

    create_gateway = CustomerGateways.create_customer_gateway

    def create_customer_gateway(self):
        result = create_gateway(self)
        gateway = result.result["CustomerGateway"]
        gateway.device_name = self._get_param("DeviceName")
        gateway.certificate_arn = self._get_param("CertificateArn")
        if self._get_param("BgpAsnExtended"):
            gateway.bgp_asn_extended = self._get_param("BgpAsnExtended")
            gateway.bgp_asn = self._get_param("BgpAsnExtended")
        return result

    CustomerGateways.create_customer_gateway = create_customer_gateway

    create_options = DHCPOptions.create_dhcp_options

    def create_dhcp_options(self):
        result = create_options(self)
        tags = self._parse_tag_specification().get("dhcp-options", {})
        result.result["DhcpOptions"].add_tags(tags)
        return result

    DHCPOptions.create_dhcp_options = create_dhcp_options

    create_endpoint = VPCs.create_vpc_endpoint

    def address_in(subnet, wanted):
        if wanted:
            return wanted
        network = ipaddress.ip_network(subnet.cidr_block, strict=False)
        # AWS reserves the first four addresses and the last of every subnet.
        return str(network[random.randint(4, network.num_addresses - 2)])

    def create_vpc_endpoint(self):
        result = create_endpoint(self)
        endpoint = result.result["VpcEndpoint"]
        wanted = {c.get("SubnetId"): c.get("Ipv4") for c in self._get_param("SubnetConfigurations", []) or []}
        for eni_id in getattr(endpoint, "network_interface_ids", None) or []:
            eni = self.ec2_backend.get_network_interface(eni_id)
            ip = address_in(eni.subnet, wanted.get(eni.subnet.id))
            eni.private_ip_address = ip
            for item in eni.private_ip_addresses:
                if item.get("Primary"):
                    item["PrivateIpAddress"] = ip
        interface = str(getattr(endpoint, "vpc_endpoint_type", "")).lower() == "interface"
        asked = self._get_param("DnsOptions") or {}
        if interface or asked:
            options = {"DnsRecordIpType": asked.get("DnsRecordIpType") or "ipv4"}
            only_inbound = asked.get("PrivateDnsOnlyForInboundResolverEndpoint")
            if only_inbound is not None:
                options["PrivateDnsOnlyForInboundResolverEndpoint"] = str(only_inbound).lower() == "true"
            endpoint.dns_options = options
        address_type = self._get_param("IpAddressType")
        if address_type or interface:
            endpoint.ip_address_type = address_type or "ipv4"
        return result

    VPCs.create_vpc_endpoint = create_vpc_endpoint


def patch_ec2_transit_gateways():
    """Transit gateways and their VPC attachments, as the EC2 API reference describes them.

    moto 5.2.5 always makes a default route table (AWS makes one only when default association
    or default propagation is enabled), ignores ModifyTransitGateway's Add/Remove
    TransitGatewayCidrBlocks (it stores them as options) and cannot clear a description;
    associates every new VPC attachment with the default route table and never propagates
    (AWS associates and propagates only as the gateway's DefaultRouteTableAssociation and
    DefaultRouteTablePropagation say); reads an attachment's tags from the wrong tag
    specification (dropping them); leaves a deleted attachment associated and propagating;
    answers a delete of an unknown id with a server error (AWS: InvalidTransitGatewayID.NotFound,
    InvalidTransitGatewayAttachmentID.NotFound, InvalidRouteTableID.NotFound,
    InvalidRoute.NotFound); deletes a gateway that still has attachments and a route table that
    still has associations (AWS: IncorrectState); makes route tables for gateways that do not
    exist; and describes a route's attachment as an object where AWS gives a list.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import DuplicateTransitGatewayAttachmentError, EC2ClientError
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment as TransitGatewayModel
    from moto.ec2.models.transit_gateway_attachments import TransitGatewayVpcAttachment
    from moto.ec2.responses.transit_gateway_attachments import TransitGatewayAttachment
    from moto.ec2.responses.transit_gateway_route_tables import TransitGatewayRouteTable as RouteTableResponses
    from moto.ec2.responses.transit_gateways import TransitGateways

    create_gateway = TransitGateways.create_transit_gateway

    def create_transit_gateway(self):
        result = create_gateway(self)
        gateway = result.result["TransitGateway"]
        options = gateway.options
        if options.get("DefaultRouteTableAssociation") == "disable" and options.get("DefaultRouteTablePropagation") == "disable":
            self.ec2_backend.transit_gateways_route_tables.pop(gateway.default_route_table.id, None)
            gateway.default_route_table = None
            options.pop("AssociationDefaultRouteTableId", None)
            options.pop("PropagationDefaultRouteTableId", None)
        return result

    TransitGateways.create_transit_gateway = create_transit_gateway

    def gateway_of(backend, gateway_id):
        gateway = backend.transit_gateways.get(gateway_id)
        if gateway is None:
            raise EC2ClientError(
                "InvalidTransitGatewayID.NotFound", f"Transit Gateway {gateway_id} was deleted or does not exist."
            )
        return gateway

    modify_gateway = TransitGateways.modify_transit_gateway

    def modify_transit_gateway(self):
        gateway = gateway_of(self.ec2_backend, self._get_param("TransitGatewayId"))
        options = self._get_param("Options", {}) or {}
        blocks = list(gateway.options.get("TransitGatewayCidrBlocks") or [])
        added = options.pop("AddTransitGatewayCidrBlocks", None) or []
        removed = options.pop("RemoveTransitGatewayCidrBlocks", None) or []
        blocks = [b for b in blocks if b not in removed] + [b for b in added if b not in blocks]
        result = modify_gateway(self)
        gateway.options.pop("AddTransitGatewayCidrBlocks", None)
        gateway.options.pop("RemoveTransitGatewayCidrBlocks", None)
        gateway.options["TransitGatewayCidrBlocks"] = blocks
        if "Description" in self.querystring:
            gateway.description = self._get_param("Description") or None
        return result

    TransitGateways.modify_transit_gateway = modify_transit_gateway

    delete_gateway = TransitGateways.delete_transit_gateway

    def delete_transit_gateway(self):
        gateway_id = self._get_param("TransitGatewayId")
        gateway_of(self.ec2_backend, gateway_id)
        live = [
            a
            for a in self.ec2_backend.transit_gateway_attachments.values()
            if a.transit_gateway_id == gateway_id and a.state not in ("deleted", "deleting", "rejected", "failed")
        ]
        if live:
            raise EC2ClientError(
                "IncorrectState", f"{gateway_id} has non-deleted Transit Gateway Attachments: {live[0].id}."
            )
        return delete_gateway(self)

    TransitGateways.delete_transit_gateway = delete_transit_gateway

    def create_transit_gateway_vpc_attachment(self):
        backend = self.ec2_backend
        gateway = gateway_of(backend, self._get_param("TransitGatewayId"))
        vpc_id = self._get_param("VpcId")
        if any(
            a.transit_gateway_id == gateway.id and a.resource_id == vpc_id and a.state not in ("deleted", "failed", "rejected")
            for a in backend.transit_gateway_attachments.values()
        ):
            raise DuplicateTransitGatewayAttachmentError(gateway.id)
        attachment = TransitGatewayVpcAttachment(
            backend,
            transit_gateway=gateway,
            tags=self._parse_tag_specification().get("transit-gateway-attachment", {}),
            vpc_id=vpc_id,
            subnet_ids=self._get_param("SubnetIds", []),
            options=self._get_param("Options", {}),
        )
        attachment.transit_gateway_route_table = None
        backend.transit_gateway_attachments[attachment.id] = attachment
        options = gateway.options
        association = options.get("AssociationDefaultRouteTableId")
        if options.get("DefaultRouteTableAssociation") == "enable" and association:
            backend.associate_transit_gateway_route_table(
                transit_gateway_attachment_id=attachment.id, transit_gateway_route_table_id=association
            )
        propagation = options.get("PropagationDefaultRouteTableId")
        if options.get("DefaultRouteTablePropagation") == "enable" and propagation:
            backend.enable_transit_gateway_route_table_propagation(
                transit_gateway_attachment_id=attachment.id, transit_gateway_route_table_id=propagation
            )
        return ActionResult({"TransitGatewayVpcAttachment": attachment})

    def association(self):
        data = self._association_data
        if self.state == "available" and data.get("state") == "associated":
            return {"State": "associated", "TransitGatewayRouteTableId": data["transitGatewayRouteTableId"]}
        return None

    TransitGatewayModel.association = property(association)
    TransitGatewayAttachment.create_transit_gateway_vpc_attachment = create_transit_gateway_vpc_attachment

    delete_attachment = TransitGatewayAttachment.delete_transit_gateway_vpc_attachment

    def delete_transit_gateway_vpc_attachment(self):
        attachment_id = self._get_param("TransitGatewayAttachmentId")
        backend = self.ec2_backend
        if attachment_id not in backend.transit_gateway_attachments:
            raise EC2ClientError(
                "InvalidTransitGatewayAttachmentID.NotFound",
                f"Transit Gateway Attachment {attachment_id} was deleted or does not exist.",
            )
        for table in backend.transit_gateways_route_tables.values():
            table.route_table_associations.pop(attachment_id, None)
            table.route_table_propagation = [
                p for p in table.route_table_propagation if p.transitGatewayAttachmentId != attachment_id
            ]
        return delete_attachment(self)

    TransitGatewayAttachment.delete_transit_gateway_vpc_attachment = delete_transit_gateway_vpc_attachment

    def table_of(backend, table_id):
        table = backend.transit_gateways_route_tables.get(table_id)
        if table is None or table.state == "deleted":
            raise EC2ClientError(
                "InvalidRouteTableID.NotFound", f"Transit Gateway Route Table {table_id} was deleted or does not exist."
            )
        return table

    create_table = RouteTableResponses.create_transit_gateway_route_table

    def create_transit_gateway_route_table(self):
        gateway_of(self.ec2_backend, self._get_param("TransitGatewayId"))
        return create_table(self)

    RouteTableResponses.create_transit_gateway_route_table = create_transit_gateway_route_table

    delete_table = RouteTableResponses.delete_transit_gateway_route_table

    def delete_transit_gateway_route_table(self):
        table_id = self._get_param("TransitGatewayRouteTableId")
        table = table_of(self.ec2_backend, table_id)
        if table.route_table_associations:
            raise EC2ClientError(
                "IncorrectState", f"{table_id} has associations: disassociate them before deleting the route table."
            )
        return delete_table(self)

    RouteTableResponses.delete_transit_gateway_route_table = delete_transit_gateway_route_table

    create_route = RouteTableResponses.create_transit_gateway_route

    def create_transit_gateway_route(self):
        table_of(self.ec2_backend, self._get_param("TransitGatewayRouteTableId"))
        result = create_route(self)
        route = result.result["route"]
        attachments = route.get("transitGatewayAttachments")
        if isinstance(attachments, dict):
            route["transitGatewayAttachments"] = [attachments]
        return result

    RouteTableResponses.create_transit_gateway_route = create_transit_gateway_route

    delete_route = RouteTableResponses.delete_transit_gateway_route

    def delete_transit_gateway_route(self):
        table_id = self._get_param("TransitGatewayRouteTableId")
        table = table_of(self.ec2_backend, table_id)
        destination = self._get_param("DestinationCidrBlock")
        if destination not in table.routes:
            raise EC2ClientError(
                "InvalidRoute.NotFound", f"No route with destination-cidr-block {destination} in Transit Gateway Route Table {table_id}"
            )
        return delete_route(self)

    RouteTableResponses.delete_transit_gateway_route = delete_transit_gateway_route


def patch_subnet_group_changes():
    """ElastiCache and Redshift subnet groups: the changes and deletes AWS has.

    (A deleted ElastiCache group's tags are dropped with it: moto keeps tags by ARN.)

    moto 5.2.5 has no DeleteCacheSubnetGroup or ModifyCacheSubnetGroup (500 Not Implemented)
    and no ModifyClusterSubnetGroup, so a subnet group could be made but never changed or
    removed. AWS changes a group's description and subnets in place and deletes it by name
    (CacheSubnetGroupNotFoundFault / ClusterSubnetGroupNotFoundFault when there is none).
    """
    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound
    from moto.elasticache.models import CacheSubnetGroup
    from moto.elasticache.responses import ElastiCacheResponse
    from moto.redshift.exceptions import ClusterSubnetGroupNotFoundError
    from moto.redshift.responses import RedshiftResponse

    def delete_cache_subnet_group(self):
        name = self._get_param("CacheSubnetGroupName")
        group = self.elasticache_backend.cache_subnet_groups.pop(name, None)
        if group is None:
            raise CacheSubnetGroupNotFound(name)
        # Its tags go with it (AWS does not hand them to the next group of that name).
        self.elasticache_backend.tagging_service.delete_all_tags_for_resource(group.arn)
        return EmptyResult()

    def modify_cache_subnet_group(self):
        name = self._get_param("CacheSubnetGroupName")
        backend = self.elasticache_backend
        old = backend.cache_subnet_groups.get(name)
        if old is None:
            raise CacheSubnetGroupNotFound(name)
        group = CacheSubnetGroup(
            account_id=backend.account_id,
            region_name=backend.region_name,
            cache_subnet_group_name=name,
            cache_subnet_group_description=self._get_param("CacheSubnetGroupDescription")
            or old.cache_subnet_group_description,
            subnet_ids=self._get_param("SubnetIds", []) or old.subnet_ids,
            tags=old.tags,
        )
        backend.cache_subnet_groups[name] = group
        return ActionResult({"CacheSubnetGroup": group})

    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group
    ElastiCacheResponse.modify_cache_subnet_group = modify_cache_subnet_group

    def modify_cluster_subnet_group(self):
        name = self._get_param("ClusterSubnetGroupName")
        group = self.redshift_backend.subnet_groups.get(name)
        if group is None:
            raise ClusterSubnetGroupNotFoundError(name)
        if self._get_param("Description"):
            group.description = self._get_param("Description")
        subnets = self._get_param("SubnetIds", [])
        if subnets:
            group.subnet_ids = subnets
        return ActionResult({"ClusterSubnetGroup": group})

    RedshiftResponse.modify_cluster_subnet_group = modify_cluster_subnet_group


def patch_ec2_vpc_family_calls():
    """EC2 calls the VPC family needs that moto lacks or answers unlike AWS.

    - DescribeNetworkAcls: the `network-acl-id` filter (moto: 500 FilterNotImplemented).
    - EnableVgwRoutePropagation / DisableVgwRoutePropagation: not implemented in moto; AWS
      turns propagation from an attached VPN gateway on or off (Gateway.NotAttached when the
      gateway is not attached to the table's VPC) and lists the gateway in the table's
      PropagatingVgws.
    - DescribeSubnets: moto nests an IPv6 block's state as a string ("{'State': ...}") inside
      Ipv6CidrBlockState.State; AWS answers {"State": "associated"}.
    - AssociateVpcCidrBlock: moto allows one Amazon-provided IPv6 block per VPC; AWS's default
      quota is five.
    """
    from moto.ec2.exceptions import CidrLimitExceeded, EC2ClientError
    from moto.ec2.models.network_acls import NetworkAcl
    from moto.ec2.models.subnets import Subnet
    from moto.ec2.models.vpcs import VPC
    from moto.ec2.responses.route_tables import RouteTables
    from moto.core.responses import EmptyResult

    acl_filter = NetworkAcl.get_filter_value

    def get_filter_value(self, filter_name, method_name=None):
        if filter_name == "network-acl-id":
            return self.id
        return acl_filter(self, filter_name, method_name)

    NetworkAcl.get_filter_value = get_filter_value

    def propagation(self, on):
        table = self.ec2_backend.get_route_table(self._get_param("RouteTableId"))
        gateway_id = self._get_param("GatewayId")
        gateway = self.ec2_backend.get_vpn_gateway(gateway_id)
        current = [g for g in getattr(table, "propagating_vgws", []) if g["GatewayId"] != gateway_id]
        if on:
            attached = any(
                a.vpc_id == table.vpc_id and a.state == "attached" for a in gateway.attachments.values()
            )
            if not attached:
                raise EC2ClientError(
                    "Gateway.NotAttached",
                    f"resource {gateway_id} is not attached to the VPC of {table.id}",
                )
            current.append({"GatewayId": gateway_id})
        table.propagating_vgws = current
        return EmptyResult()

    RouteTables.enable_vgw_route_propagation = lambda self: propagation(self, True)
    RouteTables.disable_vgw_route_propagation = lambda self: propagation(self, False)

    def ipv6_cidr_block_association_set(self):
        return [
            {
                "ipv6CidrBlock": a["ipv6CidrBlock"],
                "associationId": a["associationId"],
                "ipv6CidrBlockState": dict(a["ipv6CidrBlockState"]),
            }
            for a in self.ipv6_cidr_block_associations.values()
            if a["ipv6CidrBlockState"]["State"] == "associated"
        ]

    Subnet.ipv6_cidr_block_association_set = property(ipv6_cidr_block_association_set)

    associate = VPC.associate_vpc_cidr_block

    def associate_vpc_cidr_block(self, cidr_block, amazon_provided_ipv6_cidr_block=False, *args, **kwargs):
        if not amazon_provided_ipv6_cidr_block:
            return associate(self, cidr_block, amazon_provided_ipv6_cidr_block, *args, **kwargs)
        live = [
            a for a in self.get_cidr_block_association_set(True)
            if a.get("cidr_block_state", {}).get("state") != "disassociated"
        ]
        if len(live) >= 5:
            raise CidrLimitExceeded(self.id, 5)
        # moto checks a limit of one: let it see none while it adds this block.
        self.get_cidr_block_association_set = lambda ipv6=False: [] if ipv6 else VPC.get_cidr_block_association_set(self, ipv6)
        try:
            return associate(self, cidr_block, amazon_provided_ipv6_cidr_block, *args, **kwargs)
        finally:
            del self.get_cidr_block_association_set

    VPC.associate_vpc_cidr_block = associate_vpc_cidr_block


def patch_ec2_subnet_attributes():
    """ModifySubnetAttribute / DescribeSubnets: every subnet setting AWS has.

    moto applies only MapPublicIpOnLaunch, AssignIpv6AddressOnCreation and the A-record DNS
    option, and answers 200 while ignoring EnableDns64, PrivateDnsHostnameTypeOnLaunch, the
    AAAA-record option, EnableLniAtDeviceIndex and the customer-owned IP settings; it never
    reports EnableDns64 or MapCustomerOwnedIpOnLaunch. AWS applies each and describes them back
    (EnableDns64 and MapCustomerOwnedIpOnLaunch are false until set).
    """
    from moto.ec2.models.subnets import Subnet
    from moto.ec2.responses.subnets import Subnets

    Subnet.enable_dns64 = False
    Subnet.map_customer_owned_ip_on_launch = False

    original = Subnets.modify_subnet_attribute

    def flag(value):
        return str(value).lower() == "true"

    def modify_subnet_attribute(self):
        result = original(self)
        subnet = self.ec2_backend.get_subnet(self._get_param("SubnetId"))
        options = subnet.private_dns_name_options_on_launch
        if self._get_param("EnableDns64.Value") is not None:
            subnet.enable_dns64 = flag(self._get_param("EnableDns64.Value"))
        if self._get_param("EnableResourceNameDnsAAAARecordOnLaunch.Value") is not None:
            options["EnableResourceNameDnsAAAARecord"] = flag(
                self._get_param("EnableResourceNameDnsAAAARecordOnLaunch.Value")
            )
        if self._get_param("EnableResourceNameDnsARecordOnLaunch.Value") is not None:
            options["EnableResourceNameDnsARecord"] = flag(
                self._get_param("EnableResourceNameDnsARecordOnLaunch.Value")
            )
        if self._get_param("PrivateDnsHostnameTypeOnLaunch"):
            options["HostnameType"] = self._get_param("PrivateDnsHostnameTypeOnLaunch")
        if self._get_param("EnableLniAtDeviceIndex") is not None:
            subnet.enable_lni_at_device_index = int(self._get_param("EnableLniAtDeviceIndex"))
        if self._get_param("MapCustomerOwnedIpOnLaunch.Value") is not None:
            subnet.map_customer_owned_ip_on_launch = flag(self._get_param("MapCustomerOwnedIpOnLaunch.Value"))
            subnet.customer_owned_ipv4_pool = self._get_param("CustomerOwnedIpv4Pool")
        for setting in ("MapPublicIpOnLaunch", "AssignIpv6AddressOnCreation"):
            # moto stores these as the strings it was sent; AWS answers booleans.
            name = "map_public_ip_on_launch" if setting == "MapPublicIpOnLaunch" else "assign_ipv6_address_on_creation"
            if self._get_param(f"{setting}.Value") is not None:
                setattr(subnet, name, flag(self._get_param(f"{setting}.Value")))
        return result

    Subnets.modify_subnet_attribute = modify_subnet_attribute


def patch_ec2_route_table_association_conflicts():
    """AssociateRouteTable: a subnet or gateway that already has a route table association.

    moto answers such a call with the existing association's id, whatever table it is with.
    AWS refuses it with Resource.AlreadyAssociated ("the specified association for route table
    ... conflicts with an existing association"): a subnet has at most one association, and a
    new one is made only after the old one is gone (or by ReplaceRouteTableAssociation).
    """
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.route_tables import RouteBackend

    original = RouteBackend.associate_route_table

    def associate_route_table(self, route_table_id, gateway_id=None, subnet_id=None):
        target = subnet_id or gateway_id
        for table in self.route_tables.values():
            if target and target in table._associations.values():
                raise EC2ClientError(
                    "Resource.AlreadyAssociated",
                    f"the specified association for route table {route_table_id} conflicts with an existing association",
                )
        return original(self, route_table_id, gateway_id=gateway_id, subnet_id=subnet_id)

    RouteBackend.associate_route_table = associate_route_table


def patch_ec2_ipv6_only_subnet_address_count():
    """AvailableIpAddressCount is "the number of unused private IPv4 addresses in the subnet":
    an IPv6-only subnet (Ipv6Native, no IPv4 CIDR) has none, and EC2 answers 0. moto counted the
    addresses of the subnet's IPv6 /64 instead and answered 18446744073709551611, which no SDK
    reads as the integer the API defines, so creating such a subnet failed in every client.
    """
    from moto.ec2.models.subnets import Subnet

    original = Subnet.available_ip_address_count

    def available_ip_address_count(self):
        if not self.cidr_block:
            return 0
        return original.fget(self)

    Subnet.available_ip_address_count = property(available_ip_address_count)


def patch_ec2_instance_user_data_blob():
    """ModifyInstanceAttribute's UserData.Value is a blob: the query protocol carries it base64
    encoded, and the SDKs encode the user data once ("if you are using an AWS SDK ...,
    base64-encoding is performed for you"). moto decodes the blob and then requires the result
    to be base64 again, refusing ordinary user data with InvalidUserData.Malformed (Terraform's
    provider sends the plain bytes too). The decoded bytes are the user data, as AWS takes them.
    """
    import base64

    from moto.core.types import Base64EncodedString
    from moto.ec2.responses import instances

    original = instances.parse_user_data

    def parse_user_data(value):
        if isinstance(value, bytes):
            return Base64EncodedString(base64.b64encode(value).decode("ascii"))
        return original(value)

    instances.parse_user_data = parse_user_data


def patch_autoscaling_mixed_instances_policy():
    """Two mixed instances policy deviations from AWS. (1) moto's UpdateAutoScalingGroup sets
    the group's policy to whatever the call carries, so an update of anything else (a size)
    drops the policy; AWS keeps every setting a call leaves out, and replaces the policy only
    when the call names a launch template or configuration instead. (2) moto fills an
    InstancesDistribution with AWS's defaults only when the whole distribution is missing; AWS
    fills each field left out (prioritized, a base of 0, 100% On-Demand above it, lowest-price
    Spot with 2 pools), as DescribeAutoScalingGroups shows. (3) A group whose overrides carry
    weights reports each instance's WeightedCapacity on AWS (the capacity waiters of the AWS
    provider and infractl add them up); moto left it out. moto sizes such a group by its first
    override's weight (it launches as if that type always won), so that is the weight its
    instances report.
    """
    from moto.autoscaling.models import FakeAutoScalingGroup, InstanceState

    defaults = {
        "OnDemandAllocationStrategy": "prioritized",
        "OnDemandBaseCapacity": 0,
        "OnDemandPercentageAboveBaseCapacity": 100,
        "SpotAllocationStrategy": "lowest-price",
    }
    original_set = FakeAutoScalingGroup._set_launch_configuration
    original_update = FakeAutoScalingGroup.update

    def set_launch_configuration(self, launch_config_name, launch_template, mixed_instances_policy):
        if mixed_instances_policy:
            distribution = mixed_instances_policy.setdefault("InstancesDistribution", {})
            for key, value in defaults.items():
                distribution.setdefault(key, value)
            if distribution["SpotAllocationStrategy"] == "lowest-price":
                distribution.setdefault("SpotInstancePools", 2)
        return original_set(self, launch_config_name, launch_template, mixed_instances_policy)

    def update(self, *args, **kwargs):
        bound = inspect.signature(original_update).bind(self, *args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        kept = self.mixed_instances_policy
        result = original_update(*bound.args, **bound.kwargs)
        if not (given["mixed_instances_policy"] or given["launch_template"] or given["launch_config_name"]):
            self.mixed_instances_policy = kept
        return result

    FakeAutoScalingGroup._set_launch_configuration = set_launch_configuration
    FakeAutoScalingGroup.update = update

    def weighted_capacity(self):
        policy = getattr(self.auto_scaling_group, "mixed_instances_policy", None) or {}
        overrides = (policy.get("LaunchTemplate") or {}).get("Overrides") or []
        if not any(o.get("WeightedCapacity") for o in overrides):
            return None
        return overrides[0].get("WeightedCapacity") or "1"

    InstanceState.weighted_capacity = property(weighted_capacity)


def after_group_write(keep):
    """Runs `keep(response, group, creating)` after moto's CreateAutoScalingGroup and
    UpdateAutoScalingGroup, for the settings moto 5.2.5 drops from both calls."""
    from moto.autoscaling.responses import AutoScalingResponse

    def wrap(original, creating):
        def handler(self):
            result = original(self)
            group = self.autoscaling_backend.autoscaling_groups[self._get_param("AutoScalingGroupName")]
            keep(self, group, creating)
            return result

        return handler

    AutoScalingResponse.create_auto_scaling_group = wrap(AutoScalingResponse.create_auto_scaling_group, True)
    AutoScalingResponse.update_auto_scaling_group = wrap(AutoScalingResponse.update_auto_scaling_group, False)


def patch_autoscaling_instance_maintenance_policy():
    """CreateAutoScalingGroup and UpdateAutoScalingGroup take an InstanceMaintenancePolicy (the
    healthy percentages kept while instances are replaced) and DescribeAutoScalingGroups
    answers it; moto dropped it. Kept now, as AWS documents: -1 for both percentages clears
    the policy, and a call without one leaves it as it was.
    """

    def keep(response, group, _creating):
        policy = response._get_params().get("InstanceMaintenancePolicy")
        if policy is not None:
            numbers = {k: int(v) for k, v in policy.items()}
            cleared = all(v == -1 for v in numbers.values())
            group.instance_maintenance_policy = None if cleared else numbers

    after_group_write(keep)


def patch_autoscaling_warmup_and_capacity_type():
    """CreateAutoScalingGroup and UpdateAutoScalingGroup take DefaultInstanceWarmup and
    DesiredCapacityType (`units`, `vcpu`, `memory-mib`), and DescribeAutoScalingGroups answers
    them once set; moto 5.2.5 dropped both. Kept now, as AWS documents: a call without one
    leaves it as it was, and a warm-up of -1 clears it.
    """

    def keep(response, group, _creating):
        warmup = response._get_param("DefaultInstanceWarmup")
        if warmup is not None:
            group.default_instance_warmup = None if int(warmup) == -1 else int(warmup)
        kind = response._get_param("DesiredCapacityType")
        if kind:
            group.desired_capacity_type = kind

    after_group_write(keep)


def patch_autoscaling_zone_distribution_and_reservations():
    """CreateAutoScalingGroup and UpdateAutoScalingGroup take AvailabilityZoneDistribution
    (`balanced-only` or `balanced-best-effort`) and CapacityReservationSpecification (a
    preference and a target of reservation ids or resource group ARNs), and
    DescribeAutoScalingGroups answers them; moto 5.2.5 dropped both. Kept now as sent; a call
    without one leaves it as it was. (AWS documents `balanced-best-effort` and `default` as what
    a group that sets neither gets; this emulator answers nothing for such a group.)
    """

    def keep(response, group, _creating):
        for param, attribute in [
            ("AvailabilityZoneDistribution", "availability_zone_distribution"),
            ("CapacityReservationSpecification", "capacity_reservation_specification"),
        ]:
            value = response._get_params().get(param)
            if value:
                setattr(group, attribute, value)

    after_group_write(keep)


def patch_autoscaling_service_linked_role():
    """CreateAutoScalingGroup and UpdateAutoScalingGroup take the ServiceLinkedRoleARN the group
    acts through (a role with a custom suffix, `AWSServiceRoleForAutoScaling_SUFFIX`), and
    DescribeAutoScalingGroups answers it; moto answered the default role whatever was sent.
    Kept now, as AWS documents; a group given none keeps the default.
    """

    def keep(response, group, _creating):
        role = response._get_param("ServiceLinkedRoleARN")
        if role:
            group.service_linked_role_arn = role

    after_group_write(keep)


def patch_autoscaling_scale_in_after_unprotect():
    """A group holding more instances than its desired capacity scales in on AWS as soon as
    instances may go: SetInstanceProtection(false) on instances kept only by their scale-in
    protection lets the group terminate them (the AWS provider drains a group before deleting it
    by setting its capacity to 0 and then lifting that protection). moto sized a group only when
    its capacity was set, so those instances stayed forever and a drain never ended; lifting the
    protection now brings the group back to its desired capacity.
    """
    from moto.autoscaling.models import AutoScalingBackend

    original = AutoScalingBackend.set_instance_protection

    def set_instance_protection(self, group_name, instance_ids, protected_from_scale_in):
        original(self, group_name, instance_ids, protected_from_scale_in)
        group = self.autoscaling_groups[group_name]
        if not protected_from_scale_in and len(group.instance_states) > (group.desired_capacity or 0):
            group.set_desired_capacity(group.desired_capacity)

    AutoScalingBackend.set_instance_protection = set_instance_protection


def patch_autoscaling_instance_refresh():
    """StartInstanceRefresh, DescribeInstanceRefreshes and CancelInstanceRefresh, which moto
    lacks, as AWS documents them: one refresh at a time per group (a second start while one is
    pending or in progress fails with InstanceRefreshInProgress; a cancel with none fails with
    ActiveInstanceRefreshNotFound), `AutoRollback` refused without a `DesiredConfiguration`,
    the group's instances replaced by new ones launched from its current settings (instances
    protected from scale-in, or in Standby, are left alone when the preferences say `Ignore`,
    AWS's default). The refresh stays InProgress for the warm-up AWS would wait (the
    preferences' InstanceWarmup, else the group's health check grace period) plus the delay at
    each checkpoint below 100%, then reads Successful; a cancel makes it Cancelled.
    """
    import uuid
    from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import ActionResult

    class InstanceRefreshInProgress(AutoscalingClientError):
        code = "InstanceRefreshInProgress"

    class ActiveInstanceRefreshNotFound(AutoscalingClientError):
        code = "ActiveInstanceRefreshNotFound"

    active = ("Pending", "InProgress", "Cancelling")

    def refreshes(backend, name):
        if not hasattr(backend, "instance_refreshes"):
            backend.instance_refreshes = {}
        return backend.instance_refreshes.setdefault(name, [])

    def settle(refresh):
        now = datetime.datetime.now(datetime.timezone.utc)
        if refresh["Status"] == "InProgress" and now >= refresh["_ends"]:
            refresh.update(Status="Successful", EndTime=now, PercentageComplete=100, InstancesToUpdate=0)

    def group_of(self):
        name = self._get_param("AutoScalingGroupName")
        group = self.autoscaling_backend.autoscaling_groups.get(name)
        if group is None:
            raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup {name} not found")
        return name, group

    def replace_instances(backend, group, prefs):
        keep_protected = prefs.get("ScaleInProtectedInstances", "Ignore") == "Ignore"
        keep_standby = prefs.get("StandbyInstances", "Ignore") == "Ignore"
        going = [
            s
            for s in group.instance_states
            if not (keep_protected and s.protected_from_scale_in)
            and not (keep_standby and s.lifecycle_state == "Standby")
        ]
        if going:
            backend.ec2_backend.terminate_instances([s.instance.id for s in going])
            group.instance_states = [s for s in group.instance_states if s not in going]
            group.set_desired_capacity(group.desired_capacity)
        return len(going)

    def start_instance_refresh(self):
        name, group = group_of(self)
        params = self._get_params()
        prefs = params.get("Preferences") or {}
        history = refreshes(self.autoscaling_backend, name)
        for r in history:
            settle(r)
        if any(r["Status"] in active for r in history):
            raise InstanceRefreshInProgress(
                "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh."
            )
        desired = params.get("DesiredConfiguration")
        if str(prefs.get("AutoRollback", "false")).lower() == "true" and not desired:
            raise ValidationError(
                "The AutoRollback parameter cannot be set to true when the DesiredConfiguration parameter is empty."
            )
        warmup = prefs.get("InstanceWarmup")
        if warmup is None:
            warmup = group.health_check_grace_period or 0
        checkpoints = [int(p) for p in prefs.get("CheckpointPercentages") or [] if int(p) < 100]
        delay = int(prefs.get("CheckpointDelay", 3600)) if checkpoints else 0
        now = datetime.datetime.now(datetime.timezone.utc)
        refresh = {
            "InstanceRefreshId": str(uuid.uuid4()),
            "AutoScalingGroupName": name,
            "Status": "InProgress",
            "StatusReason": "Waiting for instances to warm up before continuing.",
            "StartTime": now,
            "PercentageComplete": 0,
            "InstancesToUpdate": replace_instances(self.autoscaling_backend, group, prefs),
            "Preferences": {
                "MinHealthyPercentage": int(prefs.get("MinHealthyPercentage", 90)),
                "MaxHealthyPercentage": int(prefs.get("MaxHealthyPercentage", 100)),
                "InstanceWarmup": int(warmup),
                "CheckpointPercentages": [int(p) for p in prefs.get("CheckpointPercentages") or []],
                "CheckpointDelay": int(prefs.get("CheckpointDelay", 3600)),
                "SkipMatching": str(prefs.get("SkipMatching", "false")).lower() == "true",
                "AutoRollback": str(prefs.get("AutoRollback", "false")).lower() == "true",
                "ScaleInProtectedInstances": prefs.get("ScaleInProtectedInstances", "Ignore"),
                "StandbyInstances": prefs.get("StandbyInstances", "Ignore"),
                "AlarmSpecification": prefs.get("AlarmSpecification") or {},
            },
            "Strategy": params.get("Strategy", "Rolling"),
            "_ends": now + datetime.timedelta(seconds=int(warmup) + delay * len(checkpoints)),
        }
        if desired:
            refresh["DesiredConfiguration"] = desired
        history.insert(0, refresh)
        return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})

    def describe_instance_refreshes(self):
        name, _ = group_of(self)
        ids = self._get_params().get("InstanceRefreshIds") or []
        shown = []
        for r in refreshes(self.autoscaling_backend, name):
            settle(r)
            if not ids or r["InstanceRefreshId"] in ids:
                shown.append({k: v for k, v in r.items() if not k.startswith("_")})
        return ActionResult({"InstanceRefreshes": shown})

    def cancel_instance_refresh(self):
        name, _ = group_of(self)
        for r in refreshes(self.autoscaling_backend, name):
            settle(r)
            if r["Status"] in active:
                now = datetime.datetime.now(datetime.timezone.utc)
                r.update(Status="Cancelled", EndTime=now, StatusReason="Cancelled due to user request.")
                return ActionResult({"InstanceRefreshId": r["InstanceRefreshId"]})
        raise ActiveInstanceRefreshNotFound(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {name}"
        )

    AutoScalingResponse.start_instance_refresh = start_instance_refresh
    AutoScalingResponse.describe_instance_refreshes = describe_instance_refreshes
    AutoScalingResponse.cancel_instance_refresh = cancel_instance_refresh


def patch_ec2_launch_template_version_user_data():
    """CreateLaunchTemplateVersion kept the version's UserData as the raw request text where
    CreateLaunchTemplate keeps it decoded-checked (a base64 string object), so launching from
    any version after the first (an Auto Scaling group scaling out, an instance refresh) failed
    an assertion inside moto with a 500. AWS treats both calls' UserData alike: base64 text,
    refused with InvalidUserData.Malformed when it is not; parsed the same way now.
    """
    from moto.ec2.models.launch_templates import LaunchTemplate
    from moto.ec2.utils import Base64EncodedString, parse_user_data

    original = LaunchTemplate.create_version

    def create_version(self, data, description):
        raw = data.get("UserData")
        if raw is not None and not isinstance(raw, Base64EncodedString):
            data = dict(data, UserData=parse_user_data(raw))
        return original(self, data, description)

    LaunchTemplate.create_version = create_version


def patch_autoscaling_scheduled_actions():
    """Scheduled actions as AWS documents them: named per group (moto kept one action per name
    across all groups, so two groups' `scale-up` actions overwrote each other), an ARN in
    DescribeScheduledActions (`ScheduledActionARN`; moto had none), a put on an existing action
    leaving the parameters it does not send as they were (moto replaced the whole action), and a
    put naming a group that does not exist refused with ValidationError.
    """
    import uuid
    from moto.autoscaling.exceptions import ValidationError
    from moto.autoscaling.models import AutoScalingBackend

    original_put = AutoScalingBackend.put_scheduled_update_group_action
    kept = ("desired_capacity", "max_size", "min_size", "start_time", "end_time", "recurrence", "time_zone")

    def put(self, name, desired_capacity, max_size, min_size, scheduled_action_name, start_time, end_time, recurrence, timezone):
        if name not in self.autoscaling_groups:
            raise ValidationError(f"AutoScalingGroup name not found - no such group: {name}")
        key = f"{name}/{scheduled_action_name}"
        before = self.scheduled_actions.pop(key, None)
        action = original_put(
            self, name, desired_capacity, max_size, min_size, scheduled_action_name, start_time, end_time, recurrence, timezone
        )
        self.scheduled_actions.pop(scheduled_action_name, None)
        if before is not None:
            for attr in kept:
                if getattr(action, attr) is None:
                    setattr(action, attr, getattr(before, attr))
            action.scheduled_action_arn = before.scheduled_action_arn
        else:
            action.scheduled_action_arn = (
                f"arn:{self.partition}:autoscaling:{self.region_name}:{self.account_id}:scheduledUpdateGroupAction:"
                f"{uuid.uuid4()}:autoScalingGroupName/{name}:scheduledActionName/{scheduled_action_name}"
            )
        self.scheduled_actions[key] = action
        return action

    def delete(self, auto_scaling_group_name, scheduled_action_name):
        if self.scheduled_actions.pop(f"{auto_scaling_group_name}/{scheduled_action_name}", None) is None:
            raise ValidationError("Scheduled action name not found")

    AutoScalingBackend.put_scheduled_update_group_action = put
    AutoScalingBackend.delete_scheduled_action = delete


def patch_autoscaling_lifecycle_hooks():
    """Lifecycle hooks as the PutLifecycleHook and DescribeLifecycleHooks references have them.
    moto 5.2.5 answered every hook with a made-up role ARN and SQS queue and dropped the
    notification metadata; a put on an existing hook replaced it whole, where AWS leaves what the
    put does not send as it was (the transition is "required for new lifecycle hooks, but optional
    when updating existing hooks"); a put for a group that does not exist made a hook anyway;
    `GlobalTimeout` was always 172800 (AWS: 100 times the heartbeat timeout, at most 172800);
    deleting a hook that does not exist succeeded (AWS: ValidationError "No Lifecycle Hook found");
    and a group's hooks outlived the group, so a new group of the same name showed them.
    """
    from moto.autoscaling.exceptions import ValidationError
    from moto.autoscaling.models import AutoScalingBackend, LifecycleHook
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import EmptyResult

    settable = {
        "LifecycleTransition": "lifecycle_transition",
        "HeartbeatTimeout": "heartbeat_timeout",
        "DefaultResult": "default_result",
        "NotificationMetadata": "notification_metadata",
        "NotificationTargetARN": "notification_target_arn",
        "RoleARN": "role_arn",
    }

    def put(self):
        backend = self.autoscaling_backend
        group = self._get_param("AutoScalingGroupName")
        name = self._get_param("LifecycleHookName")
        if group not in backend.autoscaling_groups:
            raise ValidationError(f"AutoScalingGroup name not found - no such group: {group}")
        key = f"{group}_{name}"
        hook = backend.lifecycle_hooks.get(key)
        if hook is None:
            if not self._get_param("LifecycleTransition"):
                raise ValidationError("LifecycleTransition is required for new lifecycle hooks")
            hook = LifecycleHook(name, group, None, None, None)
            hook.role_arn = hook.notification_target_arn = hook.notification_metadata = None
        for param, attr in settable.items():
            value = self._get_int_param(param) if param == "HeartbeatTimeout" else self._get_param(param)
            if value is not None:
                setattr(hook, attr, value)
        hook.global_timeout = min(100 * hook.heartbeat_timeout, 172800)
        backend.lifecycle_hooks[key] = hook
        return EmptyResult()

    def delete(self, as_name, name):
        if self.lifecycle_hooks.pop(f"{as_name}_{name}", None) is None:
            raise ValidationError(f"No Lifecycle Hook found for name: {name} and group: {as_name}")

    original_delete_group = AutoScalingBackend.delete_auto_scaling_group

    def delete_group(self, group_name, *args, **kwargs):
        result = original_delete_group(self, group_name, *args, **kwargs)
        for key in [k for k, h in self.lifecycle_hooks.items() if h.auto_scaling_group_name == group_name]:
            del self.lifecycle_hooks[key]
        return result

    AutoScalingResponse.put_lifecycle_hook = put
    AutoScalingBackend.delete_lifecycle_hook = delete
    AutoScalingBackend.delete_auto_scaling_group = delete_group


def patch_autoscaling_traffic_sources():
    """AttachTrafficSources, DetachTrafficSources and DescribeTrafficSources, which moto 5.2.5
    lacks (HTTP 500), and the group's TrafficSources in DescribeAutoScalingGroups.

    As AWS documents them: a traffic source is an ELB target group (`elbv2`), a Classic Load
    Balancer (`elb`) or a VPC Lattice target group (`vpc-lattice`); attaching a target group or
    Classic Load Balancer registers the group's instances as AttachLoadBalancerTargetGroups and
    AttachLoadBalancers do, and it shows in TargetGroupARNs or LoadBalancerNames too. A new
    source is `Adding` the first time it is described and `Added` after; a detached one is gone.
    A group that does not exist is refused with ValidationError. CreateAutoScalingGroup's
    TrafficSources are attached as AttachTrafficSources attaches them (moto dropped them).
    """
    from moto.autoscaling.exceptions import ValidationError
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import ActionResult, EmptyResult

    def with_sources(group):
        if getattr(group, "traffic_sources", None) is None:
            group.traffic_sources = []
            group.traffic_source_polls = {}
        return group

    def group_of(response):
        name = response._get_param("AutoScalingGroupName")
        group = response.autoscaling_backend.autoscaling_groups.get(name)
        if group is None:
            raise ValidationError(f"AutoScalingGroup name not found - no such group: {name}")
        return name, with_sources(group)

    def kind_of(source):
        if source.get("Type"):
            return source["Type"]
        identifier = source["Identifier"]
        if ":targetgroup/" in identifier and ":elasticloadbalancing:" in identifier:
            return "elbv2"
        return "vpc-lattice" if ":vpc-lattice:" in identifier else "elb"

    def attach_traffic_sources(self):
        name, group = group_of(self)
        attach(self, name, group)
        return EmptyResult()

    def attach(self, name, group):
        for source in self._get_param("TrafficSources", []):
            entry = {"Identifier": source["Identifier"], "Type": kind_of(source)}
            if entry in group.traffic_sources:
                continue
            if entry["Type"] == "elbv2":
                self.autoscaling_backend.attach_load_balancer_target_groups(name, [entry["Identifier"]])
            elif entry["Type"] == "elb":
                self.autoscaling_backend.attach_load_balancers(name, [entry["Identifier"]])
            group.traffic_sources.append(entry)
            group.traffic_source_polls[(entry["Type"], entry["Identifier"])] = 0

    def detach_traffic_sources(self):
        name, group = group_of(self)
        for source in self._get_param("TrafficSources", []):
            entry = {"Identifier": source["Identifier"], "Type": kind_of(source)}
            if entry not in group.traffic_sources:
                continue
            group.traffic_sources.remove(entry)
            group.traffic_source_polls.pop((entry["Type"], entry["Identifier"]), None)
            if entry["Type"] == "elbv2":
                self.autoscaling_backend.detach_load_balancer_target_groups(name, [entry["Identifier"]])
            elif entry["Type"] == "elb":
                self.autoscaling_backend.detach_load_balancers(name, [entry["Identifier"]])
        return EmptyResult()

    def describe_traffic_sources(self):
        _, group = group_of(self)
        wanted = self._get_param("TrafficSourceType")
        states = []
        for entry in group.traffic_sources:
            if wanted and entry["Type"] != wanted:
                continue
            key = (entry["Type"], entry["Identifier"])
            polls = group.traffic_source_polls.get(key, 1)
            group.traffic_source_polls[key] = polls + 1
            states.append(
                {
                    "TrafficSource": entry["Identifier"],
                    "State": "Adding" if polls == 0 else "Added",
                    "Identifier": entry["Identifier"],
                    "Type": entry["Type"],
                }
            )
        return ActionResult({"TrafficSources": states})

    AutoScalingResponse.attach_traffic_sources = attach_traffic_sources
    AutoScalingResponse.detach_traffic_sources = detach_traffic_sources
    AutoScalingResponse.describe_traffic_sources = describe_traffic_sources

    def on_create(response, group, creating):
        if creating and response._get_param("TrafficSources"):
            attach(response, group.name, with_sources(group))

    after_group_write(on_create)


def patch_autoscaling_notification_configurations():
    """PutNotificationConfiguration, DescribeNotificationConfigurations and
    DeleteNotificationConfiguration, which moto 5.2.5 lacks (HTTP 500).

    As the Auto Scaling API reference has them: a put sets the notification types one group
    sends to one SNS topic, replacing what that pair had; the types are the five
    `autoscaling:EC2_INSTANCE_*` and `autoscaling:TEST_NOTIFICATION`, others are refused with
    ValidationError, as is a group that does not exist. Describe answers one record per group,
    topic and type, for the groups named (every group when none is), paged by MaxRecords (50 by
    default, at most 100) and NextToken. Deleting a pair that is not configured is refused with
    ValidationError. A group's configurations go with the group. (AWS also publishes a test
    notification to the topic on a put; the emulator does not.)
    """
    from moto.autoscaling.exceptions import ValidationError
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import ActionResult, EmptyResult

    kinds = {
        "autoscaling:EC2_INSTANCE_LAUNCH",
        "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
        "autoscaling:EC2_INSTANCE_TERMINATE",
        "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
        "autoscaling:TEST_NOTIFICATION",
    }

    def configs_of(response):
        name = response._get_param("AutoScalingGroupName")
        group = response.autoscaling_backend.autoscaling_groups.get(name)
        if group is None:
            raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup '{name}' not found")
        if getattr(group, "notification_configurations", None) is None:
            group.notification_configurations = {}
        return name, group.notification_configurations

    def put_notification_configuration(self):
        _, configs = configs_of(self)
        types = self._get_param("NotificationTypes", []) or []
        unknown = [t for t in types if t not in kinds]
        if unknown or not types:
            raise ValidationError(f"Invalid notification type(s): {', '.join(unknown) or 'none given'}")
        configs[self._get_param("TopicARN")] = list(dict.fromkeys(types))
        return EmptyResult()

    def delete_notification_configuration(self):
        name, configs = configs_of(self)
        topic = self._get_param("TopicARN")
        if topic not in configs:
            raise ValidationError(
                f"Notification configuration for group {name} and topic {topic} doesn't exist"
            )
        del configs[topic]
        return EmptyResult()

    def describe_notification_configurations(self):
        groups = self.autoscaling_backend.autoscaling_groups
        names = self._get_param("AutoScalingGroupNames", []) or sorted(groups)
        records = []
        for name in names:
            group = groups.get(name)
            for topic, types in sorted((getattr(group, "notification_configurations", None) or {}).items()):
                for kind in sorted(types):
                    records.append(
                        {"AutoScalingGroupName": name, "TopicARN": topic, "NotificationType": kind}
                    )
        size = int(self._get_param("MaxRecords") or 50)
        if not 1 <= size <= 100:
            raise ValidationError("MaxRecords must be between 1 and 100")
        start = int(self._get_param("NextToken") or 0)
        page = records[start : start + size]
        out = {"NotificationConfigurations": page}
        if start + size < len(records):
            out["NextToken"] = str(start + size)
        return ActionResult(out)

    AutoScalingResponse.put_notification_configuration = put_notification_configuration
    AutoScalingResponse.delete_notification_configuration = delete_notification_configuration
    AutoScalingResponse.describe_notification_configurations = describe_notification_configurations


def patch_autoscaling_launch_configurations():
    """Launch configurations as the CreateLaunchConfiguration, DescribeLaunchConfigurations and
    DeleteLaunchConfiguration references have them. moto 5.2.5 dropped PlacementTenancy; made
    basic monitoring the default (AWS: "The default value is true (enabled)"); answered an
    instance store mapping with an EBS part and a NoDevice mapping with NoDevice false (AWS
    answers each as it was sent: a virtual name alone, or NoDevice true); replaced an existing
    configuration of the same name (AWS: AlreadyExists); and deleted a configuration a group
    still uses, or one that does not exist, without error (AWS: ResourceInUse, and
    ValidationError "Launch configuration name not found").
    """
    from moto.autoscaling.exceptions import AutoscalingClientError, ValidationError
    from moto.autoscaling.models import AutoScalingBackend, FakeLaunchConfiguration
    from moto.autoscaling.responses import AutoScalingResponse

    class AlreadyExists(AutoscalingClientError):
        code = "AlreadyExists"

    class ResourceInUse(AutoscalingClientError):
        code = "ResourceInUse"

    original_create = AutoScalingResponse.create_launch_configuration

    def create(self):
        backend = self.autoscaling_backend
        name = self._get_param("LaunchConfigurationName")
        if name in backend.launch_configurations:
            raise AlreadyExists(
                f"Launch Configuration by this name already exists - A launch configuration already exists with the name {name}"
            )
        result = original_create(self)
        lc = backend.launch_configurations[name]
        lc.placement_tenancy = self._get_param("PlacementTenancy")
        if self._get_param("InstanceMonitoring.Enabled") is None:
            lc.instance_monitoring_enabled = True
        return result

    def truthy(v):
        return v is True or str(v).lower() == "true"

    def mappings(self):
        out = []
        for m in self.block_device_mapping_dict or []:
            item = {"DeviceName": m.get("DeviceName")}
            if m.get("VirtualName"):
                item["VirtualName"] = m["VirtualName"]
            elif truthy(m.get("NoDevice")):
                item["NoDevice"] = True
            else:
                ebs = m.get("Ebs") or {}
                item["Ebs"] = {k: v for k, v in ebs.items() if v is not None}
            out.append(item)
        return out

    def delete(self, name):
        if name not in self.launch_configurations:
            raise ValidationError(f"Launch configuration name not found - Launch configuration {name} not found")
        for group in self.autoscaling_groups.values():
            if getattr(group, "launch_configuration_name", None) == name:
                raise ResourceInUse(
                    f"Cannot delete launch configuration {name} because it is attached to AutoScalingGroup {group.name}"
                )
        del self.launch_configurations[name]

    AutoScalingResponse.create_launch_configuration = create
    FakeLaunchConfiguration.block_device_mappings = property(mappings)
    AutoScalingBackend.delete_launch_configuration = delete


def patch_autoscaling_scaling_policies():
    """Scaling policies as AWS documents them: named per group (moto kept one policy per name
    across all groups and deleted by name alone), `Enabled` kept and answered (moto dropped it),
    no cooldown invented for a simple policy that sets none (moto answered 300, AWS answers
    nothing and the group's default cooldown applies), and a put naming a group that does not
    exist refused with ValidationError; a policy of another type answers no predictive
    configuration (moto answered an empty one).
    """
    from moto.autoscaling.exceptions import ValidationError
    from moto.autoscaling.models import AutoScalingBackend
    from moto.autoscaling.responses import AutoScalingResponse

    original_put = AutoScalingBackend.put_scaling_policy

    def put(self, name, policy_type, metric_aggregation_type, adjustment_type, as_name, min_adjustment_magnitude, scaling_adjustment, cooldown, *rest, **kw):
        if as_name not in self.autoscaling_groups:
            raise ValidationError(f"AutoScalingGroup name not found - no such group: {as_name}")
        policy = original_put(
            self, name, policy_type, metric_aggregation_type, adjustment_type, as_name, min_adjustment_magnitude, scaling_adjustment, cooldown, *rest, **kw
        )
        self.policies.pop(name, None)
        if cooldown is None:
            policy.cooldown = None
        if not policy.predictive_scaling_configuration:
            policy.predictive_scaling_configuration = None
        self.policies[f"{as_name}/{name}"] = policy
        return policy

    def delete(self, group_name, policy_name=None):
        # Called as moto calls it (the policy name alone) only by the patched response below.
        self.policies.pop(f"{group_name}/{policy_name}", None)

    def put_response(self):
        result = original_put_response(self)
        group = self._get_param("AutoScalingGroupName")
        policy = self.autoscaling_backend.policies.get(f"{group}/{self._get_param('PolicyName')}")
        if policy is not None:
            policy.enabled = str(self._get_param("Enabled", "true")).lower() != "false"
        return result

    def delete_response(self):
        group = self._get_param("AutoScalingGroupName")
        name = self._get_param("PolicyName")
        if f"{group}/{name}" not in self.autoscaling_backend.policies:
            raise ValidationError(f"Policy {name} not found for group {group}")
        self.autoscaling_backend.delete_policy(group, name)
        from moto.core.responses import EmptyResult

        return EmptyResult()

    def execute_response(self):
        group = self._get_param("AutoScalingGroupName")
        name = self._get_param("PolicyName")
        policy = self.autoscaling_backend.policies.get(f"{group}/{name}")
        if policy is None:
            raise ValidationError(f"Policy {name} not found for group {group}")
        policy.execute()
        from moto.core.responses import EmptyResult

        return EmptyResult()

    original_put_response = AutoScalingResponse.put_scaling_policy
    AutoScalingResponse.execute_policy = execute_response
    AutoScalingBackend.put_scaling_policy = put
    AutoScalingBackend.delete_policy = delete
    AutoScalingResponse.put_scaling_policy = put_response
    AutoScalingResponse.delete_policy = delete_response


def patch_ec2_launch_template_tags():
    """Two launch template deviations from AWS. (1) moto copies the template's own tags
    (CreateLaunchTemplate's TagSpecifications, resource type `launch-template`) into the
    version's LaunchTemplateData.TagSpecifications; AWS keeps them apart: the data's tag
    specifications are for the instances and volumes launched from it, and `launch-template`
    is not a resource type they take. (2) moto answers DescribeLaunchTemplates with the tags
    the template was created with, so CreateTags and DeleteTags on an `lt-` id never show;
    AWS answers the template's current tags.
    """
    from moto.ec2.models import launch_templates as lt

    original_create = lt.LaunchTemplateBackend.create_launch_template

    def create_launch_template(self, name, description, template_data, tag_spec):
        specs = template_data.get("TagSpecifications")
        if specs:
            kept = [s for s in specs if s.get("ResourceType") != "launch-template"]
            if kept:
                template_data["TagSpecifications"] = kept
            else:
                template_data.pop("TagSpecifications")
        return original_create(self, name, description, template_data, tag_spec)

    lt.LaunchTemplateBackend.create_launch_template = create_launch_template

    def current_tags(self):
        return self.get_tags()

    def ignore_set(self, value):
        pass

    lt.LaunchTemplate.tags = property(current_tags, ignore_set)


def patch_response_choices_per_request():
    """Each request's include/exclude choice stays its own. moto's `_include_in_response` and
    `_exclude_from_response` write into RESPONSE_KEY_PATH_TO_TRANSFORMER, a dictionary shared by
    every instance of the response class, and the server answers requests on several threads: a
    DescribeClusters without `include=TAGS` arriving while one with it is being answered strips
    the tags from that answer (and the reverse). Seen as an ECS cluster read without its tags
    once in a CI run (a plan showing tag drift); reproduced in-process (21 of 600 tagged reads
    untagged with a short thread switch interval). AWS answers each request as that request
    asks, so each response object now keeps its own copy of the table before changing it.
    """
    from moto.core import responses as core

    def own_table(response):
        if "RESPONSE_KEY_PATH_TO_TRANSFORMER" not in vars(response):
            shared = type(response).RESPONSE_KEY_PATH_TO_TRANSFORMER
            response.RESPONSE_KEY_PATH_TO_TRANSFORMER = dict(shared)
        return response.RESPONSE_KEY_PATH_TO_TRANSFORMER

    def include_in_response(self, response_key_path):
        own_table(self)[response_key_path] = lambda x: x

    def exclude_from_response(self, response_key_path):
        own_table(self)[response_key_path] = core.never_return

    core.BaseResponse._include_in_response = include_in_response
    core.BaseResponse._exclude_from_response = exclude_from_response


def patch_ssm_ecs_optimized_ami_json():
    """The ECS-optimized AMI parameters (`/aws/service/ecs/optimized-ami/.../recommended`) hold a
    JSON document on AWS (the ECS developer guide reads `image_id` out of it with a JSON
    decoder, as Terraform blueprints do with `jsondecode`). moto stores the document it ships as
    a Python dict and answered its repr (`{'image_id': ...}`), which no JSON decoder reads; the
    value is now the compact JSON AWS answers.
    """
    from moto.ssm import models

    original = models.convert_to_params

    def convert_to_params(tree):
        params = original(tree)
        for param in params:
            if isinstance(param["Value"], (dict, list)):
                param["Value"] = json.dumps(param["Value"], separators=(",", ":"))
        return params

    models.convert_to_params = convert_to_params


def patch_signer_signing_profiles():
    """Signing profiles as the Signer API reference has them. moto 5.2.5 answered GetSigningProfile
    and CancelSigningProfile for a profile that is not there with a server error (a KeyError);
    AWS answers ResourceNotFoundException (HTTP 404). And it let PutSigningProfile overwrite a
    profile of the same name, canceled or not; AWS keeps a canceled profile for two years
    (CancelSigningProfile reference) and refuses a put under a name it holds. The reference does
    not name the error; here it is ValidationException (HTTP 400), one of the errors
    PutSigningProfile documents.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.signer.models import SignerBackend

    class NotFound(JsonRESTError):
        code = 404

        def __init__(self, name):
            super().__init__("ResourceNotFoundException", f"Profile {name} not found")

    original_get = SignerBackend.get_signing_profile
    original_cancel = SignerBackend.cancel_signing_profile
    original_put = SignerBackend.put_signing_profile

    def get(self, profile_name):
        if profile_name not in self.signing_profiles:
            raise NotFound(profile_name)
        return original_get(self, profile_name)

    def cancel(self, profile_name):
        if profile_name not in self.signing_profiles:
            raise NotFound(profile_name)
        return original_cancel(self, profile_name)

    def put(self, profile_name, *args, **kwargs):
        if profile_name in self.signing_profiles:
            raise JsonRESTError("ValidationException", f"Profile with name {profile_name} already exists")
        return original_put(self, profile_name, *args, **kwargs)

    SignerBackend.get_signing_profile = get
    SignerBackend.cancel_signing_profile = cancel
    SignerBackend.put_signing_profile = put


def patch_ssm_maintenance_windows():
    """Maintenance windows as the Create/Get/UpdateMaintenanceWindow references have them.
    moto 5.2.5 dropped AllowUnassociatedTargets, answered every window Enabled, and had no
    UpdateMaintenanceWindow. That call changes only the parameters it is given; with Replace,
    the ones CreateMaintenanceWindow requires must be given and the optional ones left out are
    set to null. Whether Replace also resets Enabled when it is left out, the reference does not
    say; here it stays as it was.
    """
    from moto.ssm.exceptions import ValidationException
    from moto.ssm.models import FakeMaintenanceWindow
    from moto.ssm.responses import SimpleSystemManagerResponse
    from moto.core.responses import ActionResult

    original_create = SimpleSystemManagerResponse.create_maintenance_window
    original_to_json = FakeMaintenanceWindow.to_json

    def create(self):
        result = original_create(self)
        window = self.ssm_backend.windows[result.result["WindowId"]]
        window.allow_unassociated_targets = bool(self._get_param("AllowUnassociatedTargets", False))
        window.enabled = True
        return result

    def to_json(self):
        out = original_to_json(self)
        out["AllowUnassociatedTargets"] = getattr(self, "allow_unassociated_targets", False)
        out["Enabled"] = getattr(self, "enabled", True)
        return out

    fields = {
        "Name": "name",
        "Description": "description",
        "StartDate": "start_date",
        "EndDate": "end_date",
        "Schedule": "schedule",
        "ScheduleTimezone": "schedule_timezone",
        "ScheduleOffset": "schedule_offset",
        "Duration": "duration",
        "Cutoff": "cutoff",
        "AllowUnassociatedTargets": "allow_unassociated_targets",
        "Enabled": "enabled",
    }
    required = ["Name", "Schedule", "Duration", "Cutoff", "AllowUnassociatedTargets"]

    def update(self):
        window = self.ssm_backend.get_maintenance_window(self._get_param("WindowId"))
        replace = bool(self._get_param("Replace", False))
        given = {k: self._get_param(k) for k in fields}
        if replace:
            missing = [k for k in required if given[k] is None]
            if missing:
                raise ValidationException(
                    f"When Replace is true, these parameters are required: {', '.join(missing)}"
                )
        for param, attr in fields.items():
            value = given[param]
            if value is not None:
                setattr(window, attr, value)
            elif replace and param != "Enabled":
                setattr(window, attr, None)
        out = window.to_json()
        return ActionResult({k: v for k, v in out.items() if v is not None})

    SimpleSystemManagerResponse.create_maintenance_window = create
    SimpleSystemManagerResponse.update_maintenance_window = update
    FakeMaintenanceWindow.to_json = to_json


def patch_ssm_maintenance_window_targets():
    """Maintenance window targets as the Register/Describe/Update/DeregisterTarget references
    have them. moto 5.2.5 matched no target once any filter was given (AWS filters on
    WindowTargetId, Type and OwnerInformation), answered every target's OwnerInformation empty,
    had no UpdateMaintenanceWindowTarget (only the parameters given change; with Replace,
    Targets must be given and the optional ones left out are cleared) and failed with a 500 on
    deregistering a target that does not exist (AWS: DoesNotExistException).
    """
    import moto.ssm.models as models
    from moto.core.responses import ActionResult
    from moto.ssm.exceptions import DoesNotExistException, ValidationException
    from moto.ssm.models import FakeMaintenanceWindowTarget, SimpleSystemManagerBackend
    from moto.ssm.responses import SimpleSystemManagerResponse

    def matches(filters, target):
        if not target:
            return False
        fields = {
            "WindowTargetId": target.window_target_id,
            "Type": target.resource_type,
            "OwnerInformation": target.owner_information,
        }
        return all(fields.get(f.get("Key")) in (f.get("Values") or []) for f in filters or [])

    original_to_json = FakeMaintenanceWindowTarget.to_json

    def to_json(self):
        out = original_to_json(self)
        out["OwnerInformation"] = self.owner_information
        return {k: v for k, v in out.items() if v is not None}

    def target_of(backend, window_id, target_id):
        window = backend.get_maintenance_window(window_id)
        if target_id not in window.targets:
            raise DoesNotExistException(f"{window_id} target {target_id}")
        return window, window.targets[target_id]

    def deregister(self, window_id, window_target_id):
        window, _ = target_of(self, window_id, window_target_id)
        del window.targets[window_target_id]

    fields = {
        "Targets": "targets",
        "OwnerInformation": "owner_information",
        "Name": "name",
        "Description": "description",
    }

    def update(self):
        window_id = self._get_param("WindowId")
        _, target = target_of(self.ssm_backend, window_id, self._get_param("WindowTargetId"))
        replace = bool(self._get_param("Replace", False))
        given = {k: self._get_param(k) for k in fields}
        if replace and not given["Targets"]:
            raise ValidationException("When Replace is true, Targets is required")
        for param, attr in fields.items():
            if given[param] is not None:
                setattr(target, attr, given[param])
            elif replace:
                setattr(target, attr, None)
        out = target.to_json()
        out.pop("ResourceType", None)
        return ActionResult(out)

    models._maintenance_window_target_filter_match = matches
    FakeMaintenanceWindowTarget.to_json = to_json
    SimpleSystemManagerBackend.deregister_target_from_maintenance_window = deregister
    SimpleSystemManagerResponse.update_maintenance_window_target = update


def patch_ssm_maintenance_window_tasks():
    """Maintenance window tasks as the Register/Get/Describe/Update/DeregisterTask references
    have them. moto 5.2.5 had no GetMaintenanceWindowTask or UpdateMaintenanceWindowTask, matched
    no task once a Describe filter was given (AWS filters on WindowTaskId, TaskArn, Priority and
    TaskType), answered Describe's task type under `TaskType` (AWS's MaintenanceWindowTask
    calls it `Type`), dropped CutoffBehavior, and failed with a 500 on deregistering a task that
    does not exist (AWS: DoesNotExistException). As the references say: MaxConcurrency and
    MaxErrors may be left out only for a task without targets, which then reads a placeholder
    of `1` for both; a Run Command task needs targets; without ServiceRoleArn, Systems Manager
    uses its service-linked role (AWSServiceRoleForAmazonSSM), whose ARN the task then answers;
    with Replace, TaskArn must be given and the optional parameters left out are cleared.
    """
    import base64

    import moto.ssm.models as models
    from moto.core.responses import ActionResult
    from moto.ssm.exceptions import DoesNotExistException, ValidationException
    from moto.ssm.models import FakeMaintenanceWindowTask, SimpleSystemManagerBackend
    from moto.ssm.responses import SimpleSystemManagerResponse

    def task_of(backend, window_id, task_id):
        window = backend.get_maintenance_window(window_id)
        if task_id not in window.tasks:
            raise DoesNotExistException(f"{window_id} task {task_id}")
        return window, window.tasks[task_id]

    def check_limits(task_type, targets, max_concurrency, max_errors):
        if not targets:
            if task_type == "RUN_COMMAND":
                raise ValidationException("Targets must be specified for a RUN_COMMAND task")
            return max_concurrency or "1", max_errors or "1"
        if not max_concurrency or not max_errors:
            raise ValidationException(
                "MaxConcurrency and MaxErrors are required for a task with targets"
            )
        return max_concurrency, max_errors

    def decoded(params):
        # The Lambda payload is a blob: the JSON protocol sends it base64-encoded, and moto's
        # serializer encodes what it answers, so it is kept as the bytes it stands for.
        payload = ((params or {}).get("Lambda") or {}).get("Payload")
        if isinstance(payload, str):
            params["Lambda"]["Payload"] = base64.b64decode(payload)
        return params

    def service_role(backend, given):
        if given:
            return given
        return (
            f"arn:aws:iam::{backend.account_id}:role/aws-service-role/"
            "ssm.amazonaws.com/AWSServiceRoleForAmazonSSM"
        )

    def full(task):
        out = {
            "WindowId": task.window_id,
            "WindowTaskId": task.window_task_id,
            "Targets": task.targets or [],
            "TaskArn": task.task_arn,
            "ServiceRoleArn": task.service_role_arn,
            "TaskType": task.task_type,
            "TaskParameters": task.task_parameters,
            "TaskInvocationParameters": task.task_invocation_parameters,
            "Priority": task.priority,
            "MaxConcurrency": task.max_concurrency,
            "MaxErrors": task.max_errors,
            "LoggingInfo": task.logging_info,
            "Name": task.name,
            "Description": task.description,
            "CutoffBehavior": task.cutoff_behavior,
            "AlarmConfiguration": task.alarm_configurations,
        }
        return {k: v for k, v in out.items() if v is not None}

    def to_json(self):
        out = full(self)
        out["Type"] = out.pop("TaskType")
        out.pop("TaskInvocationParameters", None)
        return out

    def matches(filters, task):
        if not task:
            return False
        fields = {
            "WindowTaskId": task.window_task_id,
            "TaskArn": task.task_arn,
            "Priority": None if task.priority is None else str(task.priority),
            "TaskType": task.task_type,
        }
        return all(fields.get(f.get("Key")) in (f.get("Values") or []) for f in filters or [])

    original_register = SimpleSystemManagerBackend.register_task_with_maintenance_window

    def register(self, window_id, targets, task_arn, service_role_arn, task_type,
                 task_parameters, task_invocation_parameters, priority, max_concurrency,
                 max_errors, logging_info, name, description, cutoff_behavior,
                 alarm_configurations):
        self.get_maintenance_window(window_id)
        max_concurrency, max_errors = check_limits(task_type, targets, max_concurrency, max_errors)
        return original_register(
            self, window_id, targets, task_arn, service_role(self, service_role_arn),
            task_type, task_parameters, decoded(task_invocation_parameters), priority,
            max_concurrency, max_errors, logging_info, name, description, cutoff_behavior,
            alarm_configurations,
        )

    def deregister(self, window_id, window_task_id):
        window, _ = task_of(self, window_id, window_task_id)
        del window.tasks[window_task_id]

    def get(self):
        _, task = task_of(
            self.ssm_backend, self._get_param("WindowId"), self._get_param("WindowTaskId")
        )
        return ActionResult(full(task))

    fields = {
        "Targets": "targets",
        "TaskArn": "task_arn",
        "ServiceRoleArn": "service_role_arn",
        "TaskParameters": "task_parameters",
        "TaskInvocationParameters": "task_invocation_parameters",
        "Priority": "priority",
        "MaxConcurrency": "max_concurrency",
        "MaxErrors": "max_errors",
        "LoggingInfo": "logging_info",
        "Name": "name",
        "Description": "description",
        "CutoffBehavior": "cutoff_behavior",
        "AlarmConfiguration": "alarm_configurations",
    }

    def update(self):
        backend = self.ssm_backend
        _, task = task_of(backend, self._get_param("WindowId"), self._get_param("WindowTaskId"))
        replace = bool(self._get_param("Replace", False))
        given = {k: self._get_param(k) for k in fields}
        given["TaskInvocationParameters"] = decoded(given["TaskInvocationParameters"])
        if replace and not given["TaskArn"]:
            raise ValidationException("When Replace is true, TaskArn is required")
        after = {}
        for param, attr in fields.items():
            if given[param] is not None:
                after[attr] = given[param]
            elif replace:
                after[attr] = None
            else:
                after[attr] = getattr(task, attr)
        after["max_concurrency"], after["max_errors"] = check_limits(
            task.task_type, after["targets"], after["max_concurrency"], after["max_errors"]
        )
        after["service_role_arn"] = service_role(backend, after["service_role_arn"])
        for attr, value in after.items():
            setattr(task, attr, value)
        out = full(task)
        out.pop("TaskType", None)
        return ActionResult(out)

    models._maintenance_window_task_filter_match = matches
    FakeMaintenanceWindowTask.to_json = to_json
    SimpleSystemManagerBackend.register_task_with_maintenance_window = register
    SimpleSystemManagerBackend.deregister_task_from_maintenance_window = deregister
    SimpleSystemManagerResponse.get_maintenance_window_task = get
    SimpleSystemManagerResponse.update_maintenance_window_task = update


def patch_ssm_fluent_bit_parameters():
    """AWS publishes the AWS for Fluent Bit image of each region as public parameters under
    /aws/service/aws-for-fluent-bit/ (`stable`, `latest` and one per version; the ECS developer
    guide's FireLens chapter reads `stable`). moto serves the Amazon Linux AMI and ECS-optimized
    AMI trees but not this one, so GetParameter answered ParameterNotFound where AWS answers the
    image URI. The values follow AWS's form, `<account>.dkr.ecr.<region>.amazonaws.com/
    aws-for-fluent-bit:<version>` (account 906394416424 in the commercial regions); the version
    is a fixed recent release, where AWS moves it forward over time.
    """
    import datetime

    from moto.ssm.models import Parameter, ParameterDict

    prefix = "/aws/service/aws-for-fluent-bit"
    version = "2.32.5"
    original = ParameterDict._check_loading_status

    def _check_loading_status(self, key):
        original(self, key)
        key = str(key or "")
        if not key.startswith(prefix) or getattr(self, "fluent_bit_loaded", False):
            return
        self.fluent_bit_loaded = True
        image = f"906394416424.dkr.ecr.{self.region_name}.amazonaws.com/aws-for-fluent-bit"
        loaded = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
        for leaf in ("stable", "latest", version):
            name = f"{prefix}/{leaf}"
            super(ParameterDict, self).__getitem__(name).append(
                Parameter(
                    account_id=self.account_id,
                    name=name,
                    value=f"{image}:{version}",
                    parameter_type="String",
                    description=None,
                    allowed_pattern=None,
                    keyid=None,
                    last_modified_date=loaded,
                    version=1,
                    data_type="text",
                )
            )

    ParameterDict._check_loading_status = _check_loading_status


def patch_ec2_flow_log_settings():
    """CreateFlowLogs: keep DestinationOptions and DeliverCrossAccountRole.

    moto drops both; AWS describes an S3 flow log's file format and partitioning back
    (plain-text, no Hive partitions and daily prefixes unless asked), and the cross-account
    delivery role when one was given.
    """
    from moto.ec2.responses.flow_logs import FlowLogs

    original = FlowLogs.create_flow_logs

    def create_flow_logs(self):
        result = original(self)
        options = self._get_param("DestinationOptions")
        role = self._get_param("DeliverCrossAccountRole")
        for flow_log_id in result.result["FlowLogIds"]:
            fl = self.ec2_backend.flow_logs[flow_log_id]
            if role:
                fl.deliver_cross_account_role = role
            if fl.log_destination_type == "s3":
                options = options or {}
                fl.destination_options = {
                    "FileFormat": options.get("FileFormat") or "plain-text",
                    "HiveCompatiblePartitions": str(options.get("HiveCompatiblePartitions")).lower() == "true",
                    "PerHourPartition": str(options.get("PerHourPartition")).lower() == "true",
                }
        return result

    FlowLogs.create_flow_logs = create_flow_logs


def patch_ec2_group_rule_descriptions():
    """DescribeSecurityGroupRules: the description of a rule that references a group.

    moto keeps such a rule's description in its group pair (which DescribeSecurityGroups shows)
    but describes the rule with its CIDR description only, so a referencing rule's description
    reads back empty. AWS describes every rule's description, whatever its source; and
    ModifySecurityGroupRules changes it for every kind of rule.
    """
    from moto.ec2.models.security_groups import SecurityGroupBackend, SecurityGroupRule

    def description(self):
        return self.ip_range.get("Description") or (self.source_group or {}).get("Description")

    SecurityGroupRule.description = property(description)

    original = SecurityGroupBackend.modify_security_group_rules

    def modify_security_group_rules(self, group_id, rules):
        original(self, group_id, rules)
        group = self.get_security_group_by_name_or_id(group_id)
        for rule_id, new_rule in rules.items():
            rule = group.get_rule(rule_id)
            if rule is not None and rule.source_group and new_rule.get("Description") is not None:
                rule.source_group["Description"] = new_rule["Description"]

    SecurityGroupBackend.modify_security_group_rules = modify_security_group_rules


def patch_ec2_prefix_list_rule_descriptions():
    """A security group rule from a prefix list keeps its description: AuthorizeSecurityGroup*
    take PrefixListIds entries with a Description, and DescribeSecurityGroups answers it beside
    the prefix list id (as it does for CIDR ranges and groups). moto kept only the id, so such a
    rule's description read back empty (terraform-aws-modules/security-group's complete example
    writes them).
    """
    from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupRule

    original_init = SecurityGroupRule.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        given = kwargs.get("prefix_list_id") if "prefix_list_id" in kwargs else (args[7] if len(args) > 7 else None)
        self.prefix_list_description = (given or {}).get("Description")

    original_flattened = SecurityGroup._flattened_rules

    def _flattened_rules(self, rules):
        views = original_flattened(self, rules)
        described = {
            (r.from_port, r.to_port, r.ip_protocol, r.prefix_list_id): r.prefix_list_description
            for r in rules
            if r.prefix_list_id and getattr(r, "prefix_list_description", None)
        }
        for view in views:
            for entry in view.prefix_list_ids:
                key = (view.from_port, view.to_port, view.ip_protocol, entry.get("PrefixListId"))
                if key in described:
                    entry["Description"] = described[key]
        return views

    SecurityGroupRule.__init__ = init
    SecurityGroup._flattened_rules = _flattened_rules


def patch_ecs_service_settings():
    """CreateService: keep the deployment and placement settings, and count tasks as running.

    moto's CreateService drops deploymentConfiguration (circuit breaker, percents, alarms),
    healthCheckGracePeriodSeconds, enableExecuteCommand, enableECSManagedTags,
    availabilityZoneRebalancing, capacityProviderStrategy, placementConstraints and
    placementStrategy, which UpdateService does keep; AWS keeps them all. (availabilityZoneRebalancing
    kept Terraform's own plan of plans/fargate dirty: the AWS provider sends "DISABLED" and
    planned it again on every run when DescribeServices left it out.) It also reports launchType
    EC2 for a service made with a capacity provider strategy; AWS reports no launch type then (the
    strategy decides). serviceConnectConfiguration is dropped by both calls; AWS reports it on the
    service's deployments (not on the service), so it is put on the primary deployment here, on
    create and on update. The emulator runs no containers, so a new service's tasks are reported
    as running at once (moto's own MOTO_ECS_SERVICE_RUNNING default is 0, and its UpdateService
    already does this), which lets steady-state waits end.
    """
    from moto.core.utils import camelcase_to_underscores
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service
    original_update = EC2ContainerServiceBackend.update_service
    kept = (
        "deploymentConfiguration",
        "healthCheckGracePeriodSeconds",
        "enableExecuteCommand",
        "enableECSManagedTags",
        "availabilityZoneRebalancing",
        "capacityProviderStrategy",
        "placementConstraints",
        "placementStrategy",
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
        if self._get_param("capacityProviderStrategy") and not self._get_param("launchType"):
            service.launch_type = None
        service.running_count = service.desired_count
        service.pending_count = 0
        for deployment in service.deployments:
            deployment["runningCount"] = service.desired_count
            deployment["pendingCount"] = 0
            deployment["rolloutState"] = "COMPLETED"
            if service.launch_type is None:
                deployment.pop("launchType", None)
                deployment["capacityProviderStrategy"] = service.capacity_provider_strategy
            connect = self._get_param("serviceConnectConfiguration")
            if connect is not None:
                deployment["serviceConnectConfiguration"] = connect
        return result

    def update_service(self, service_properties):
        connect = service_properties.get("service_connect_configuration")
        service = original_update(self, service_properties)
        if connect is not None and service.deployments:
            service.deployments[0]["serviceConnectConfiguration"] = connect
        return service

    EC2ContainerServiceResponse.create_service = create_service
    EC2ContainerServiceBackend.update_service = update_service


def patch_dynamodb_stream_reenable():
    """UpdateTable: a table whose stream was switched off may have a new one.

    moto refuses any stream specification that enables a stream once the table has ever had one
    (it checks for a stream label, which stays after the stream is switched off), so a stream
    switched off can never be switched on again, nor moved to another view type. AWS refuses only
    while a stream is enabled, and gives the new stream a new label and ARN.
    """
    from moto.dynamodb.exceptions import StreamAlreadyEnabledException
    from moto.dynamodb.models import DynamoDBBackend

    def update_table_streams(self, table, stream_specification):
        enabling = stream_specification.get("StreamEnabled") or stream_specification.get("StreamViewType")
        if enabling and (table.stream_specification or {}).get("StreamEnabled"):
            raise StreamAlreadyEnabledException
        table.set_stream_specification(stream_specification)

    DynamoDBBackend.update_table_streams = update_table_streams


def patch_dynamodb_import_formats():
    """ImportTable: CSV sources, as AWS imports them.

    moto 5.2.5 drops InputFormat and InputFormatOptions and parses every source object as
    DynamoDB JSON, so a CSV import always ends FAILED. AWS reads CSV with the given delimiter
    (`,` by default) and header list (else the first line of each object is the header), types
    the key attributes as the table's attribute definitions say and imports every other value
    as a string, skipping empty values. DynamoDB JSON imports are left to moto.
    """
    import csv
    import io
    import threading
    from moto.dynamodb.models.table_import import TableImport
    from moto.dynamodb.responses import DynamoHandler

    # The request's format reaches the import made on the same thread, before its reader starts.
    request = threading.local()
    original_handler = DynamoHandler.import_table
    original_init = TableImport.__init__

    def import_table(self):
        request.format = (self.body.get("InputFormat") or "DYNAMODB_JSON", self.body.get("InputFormatOptions") or {})
        try:
            return original_handler(self)
        finally:
            request.format = None

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.input_format, self.format_options = getattr(request, "format", None) or ("DYNAMODB_JSON", {})

    original_process = TableImport._process_s3_files

    def process(self, s3_backend, bucket):
        if getattr(self, "input_format", "DYNAMODB_JSON") != "CSV":
            return original_process(self, s3_backend, bucket)
        from moto.dynamodb.models import dynamodb_backends

        dynamo = dynamodb_backends[self.account_id][self.region_name]
        self.table = dynamo.create_table(
            name=self.table_name,
            billing_mode=self.billing_mode,
            throughput=self.throughput,
            schema=self.key_schema,
            global_indexes=self.global_indexes,
            indexes=None,
            attr=self.attrs,
            sse_specification=None,
            streams=None,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        csv_options = (self.format_options or {}).get("Csv") or {}
        delimiter = csv_options.get("Delimiter") or ","
        header = csv_options.get("HeaderList")
        types = {a["AttributeName"]: a["AttributeType"] for a in self.attrs}
        keys, _, _, _ = s3_backend.list_objects(
            bucket, prefix=self.s3_source.get("S3KeyPrefix"), delimiter=None, marker=None, max_keys=None
        )
        for key in keys:
            content = key.value
            if self.compression_type == "GZIP":
                import gzip

                content = gzip.decompress(content)
            rows = list(csv.reader(io.StringIO(content.decode("utf-8")), delimiter=delimiter))
            names = header or (rows.pop(0) if rows else [])
            for row in rows:
                self.processed_count += 1
                self.processed_bytes += len(delimiter.join(row))
                item = {
                    n: {types.get(n, "S"): v}
                    for n, v in zip(names, row)
                    if v != ""
                }
                try:
                    self.table.put_item(item_attrs=item)
                    self.imported_count += 1
                except Exception as e:  # noqa: BLE001 - AWS counts a bad row and goes on
                    self.failure_message = str(e)
                    self.error_count += 1
        self.status = "COMPLETED" if self.error_count == 0 else "FAILED"

    DynamoHandler.import_table = import_table
    TableImport.__init__ = init
    TableImport._process_s3_files = process


def patch_dynamodb_on_demand_throughput():
    """CreateTable/UpdateTable: a table's and its global indexes' OnDemandThroughput.

    moto drops OnDemandThroughput (the most read and write request units an on-demand table or
    index may use) and never describes it. AWS keeps each limit given, changes only the limits an
    UpdateTable (or an index's Update action) names, removes a limit set to -1, and returns what
    is set in DescribeTable's OnDemandThroughput of the table and of each index.
    """
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import GlobalSecondaryIndex, Table
    from moto.dynamodb.responses import DynamoHandler, DynamoResult

    def merged(current, given):
        limits = dict(current or {})
        for key, value in (given or {}).items():
            if key not in ("MaxReadRequestUnits", "MaxWriteRequestUnits"):
                continue
            if value == -1:
                limits.pop(key, None)
            else:
                limits[key] = value
        return limits

    def with_limits(description, limits):
        if limits:
            description["OnDemandThroughput"] = dict(limits)
        return description

    original_gsi_create = GlobalSecondaryIndex.create
    original_gsi_update = GlobalSecondaryIndex.update
    original_gsi_describe = GlobalSecondaryIndex.describe
    original_table_describe = Table.describe

    def gsi_create(dct, table_key_attrs):
        index = original_gsi_create(dct, table_key_attrs)
        index.on_demand_throughput = merged(None, dct.get("OnDemandThroughput"))
        return index

    def gsi_update(self, u):
        original_gsi_update(self, u)
        if "OnDemandThroughput" in u:
            self.on_demand_throughput = merged(getattr(self, "on_demand_throughput", None), u["OnDemandThroughput"])

    def gsi_describe(self):
        return with_limits(original_gsi_describe(self), getattr(self, "on_demand_throughput", None))

    def table_describe(self, base_key="TableDescription"):
        out = original_table_describe(self, base_key)
        with_limits(out[base_key], getattr(self, "on_demand_throughput", None))
        return out

    original_create = DynamoHandler.create_table
    original_update = DynamoHandler.update_table

    def create_table(self):
        result = original_create(self)
        given = self.body.get("OnDemandThroughput")
        if not given:
            return result
        table = self.dynamodb_backend.get_table(self.body["TableName"])
        table.on_demand_throughput = merged(None, given)
        return DynamoResult(table.describe())

    def update_table(self):
        given = self.body.get("OnDemandThroughput")
        if given:
            table = self.dynamodb_backend.get_table(self.body["TableName"])
            table.on_demand_throughput = merged(getattr(table, "on_demand_throughput", None), given)
        return original_update(self)

    GlobalSecondaryIndex.create = staticmethod(gsi_create)
    GlobalSecondaryIndex.update = gsi_update
    GlobalSecondaryIndex.describe = gsi_describe
    Table.describe = table_describe
    DynamoHandler.create_table = create_table
    DynamoHandler.update_table = update_table


def patch_dynamodb_replicas():
    """UpdateTable ReplicaUpdates: global tables, version 2019.11.21.

    moto ignores ReplicaUpdates: no replica is made and DescribeTable has no Replicas. AWS
    (UpdateTable, "Global tables: How it works") makes a Create action's replica as a table of
    the same name, keys, attributes, indexes, billing mode and stream in that region (encrypted
    with the KMSMasterKeyId given, its own tags empty), lists every other region of the global
    table in each member's DescribeTable Replicas (RegionName, ReplicaStatus, KMSMasterKeyId)
    with GlobalTableVersion 2019.11.21, deletes the replica table on a Delete action, and refuses
    a replica in the table's own region, one it already has, one whose table exists already or a
    Delete of a region that is not a replica (ValidationException). DeleteTable of a member takes
    it out of the others' Replicas.
    """
    from moto.dynamodb.exceptions import MockValidationException
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    def members(table):
        group = getattr(table, "replica_group", None)
        return group if group is not None else {}

    def index_request(index, with_throughput):
        out = {"IndexName": index.name, "KeySchema": index.schema, "Projection": index.projection}
        throughput = getattr(index, "throughput", None)
        if with_throughput and throughput:
            out["ProvisionedThroughput"] = {
                "ReadCapacityUnits": throughput.get("ReadCapacityUnits", 1),
                "WriteCapacityUnits": throughput.get("WriteCapacityUnits", 1),
            }
        return out

    def create_replica(backend, table, action):
        region = action.get("RegionName")
        if not region:
            raise MockValidationException("1 validation error detected: RegionName must not be null")
        group = members(table)
        if region == table.region_name or region in group:
            raise MockValidationException(
                f"Failed to create a the new replica of table with name: '{table.name}' because "
                "one or more replicas already existed as tables."
            )
        other = dynamodb_backends[table.account_id][region]
        if table.name in other.tables:
            raise MockValidationException(
                f"Failed to create a the new replica of table with name: '{table.name}' because "
                "one or more replicas already existed as tables."
            )
        provisioned = table.billing_mode != "PAY_PER_REQUEST"
        kms = action.get("KMSMasterKeyId")
        sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms} if kms else None
        throughput = None
        if provisioned and table.throughput:
            throughput = {
                "ReadCapacityUnits": table.throughput.get("ReadCapacityUnits", 1),
                "WriteCapacityUnits": table.throughput.get("WriteCapacityUnits", 1),
            }
        stream = table.stream_specification if (table.stream_specification or {}).get("StreamEnabled") else None
        replica = other.create_table(
            table.name,
            schema=table.schema,
            throughput=throughput,
            attr=table.attr,
            global_indexes=[index_request(i, provisioned) for i in table.global_indexes],
            indexes=[index_request(i, False) for i in table.indexes],
            streams=dict(stream) if stream else None,
            billing_mode=table.billing_mode or "PROVISIONED",
            sse_specification=sse,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        if not group:
            group[table.region_name] = {"RegionName": table.region_name, "ReplicaStatus": "ACTIVE"}
            table.replica_group = group
        entry = {"RegionName": region, "ReplicaStatus": "ACTIVE"}
        if kms:
            entry["KMSMasterKeyId"] = kms
        group[region] = entry
        replica.replica_group = group

    def delete_replica(table, action):
        region = action.get("RegionName")
        group = members(table)
        if region not in group or region == table.region_name:
            raise MockValidationException(
                "Replica specified in the Replica Update or Replica Delete action of the request "
                "was not found."
            )
        other = dynamodb_backends[table.account_id][region]
        gone = other.tables.pop(table.name, None)
        if gone is not None:
            gone.replica_group = None
        group.pop(region, None)

    original_update = DynamoHandler.update_table

    def update_table(self):
        updates = self.body.get("ReplicaUpdates") or []
        if updates:
            table = self.dynamodb_backend.get_table(self.body["TableName"])
            for u in updates:
                if "Create" in u:
                    create_replica(self.dynamodb_backend, table, u["Create"])
                elif "Delete" in u:
                    delete_replica(table, u["Delete"])
                elif "Update" in u:
                    region = u["Update"].get("RegionName")
                    if region not in members(table):
                        raise MockValidationException(
                            "Replica specified in the Replica Update or Replica Delete action of "
                            "the request was not found."
                        )
                    if u["Update"].get("KMSMasterKeyId"):
                        members(table)[region]["KMSMasterKeyId"] = u["Update"]["KMSMasterKeyId"]
        return original_update(self)

    original_describe = Table.describe

    def describe(self, base_key="TableDescription"):
        out = original_describe(self, base_key)
        group = members(self)
        if group:
            out[base_key]["GlobalTableVersion"] = "2019.11.21"
            out[base_key]["Replicas"] = [dict(v) for r, v in group.items() if r != self.region_name]
        return out

    original_delete = DynamoDBBackend.delete_table

    def delete_table(self, name):
        table = original_delete(self, name)
        group = members(table)
        if group:
            group.pop(table.region_name, None)
            if len(group) == 1:
                # The last member is a plain table again.
                for region in list(group):
                    last = dynamodb_backends[table.account_id][region].tables.get(table.name)
                    if last is not None:
                        last.replica_group = None
                group.clear()
            table.replica_group = None
        return table

    DynamoHandler.update_table = update_table
    Table.describe = describe
    DynamoDBBackend.delete_table = delete_table


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


def patch_sns_data_protection_policies():
    """PutDataProtectionPolicy and GetDataProtectionPolicy for topics.

    AWS (SNS API reference) keeps one data protection policy per topic: PutDataProtectionPolicy
    sets it (an empty string removes it; text that is not JSON is InvalidParameter),
    GetDataProtectionPolicy answers it (an empty string when the topic has none), and both answer
    NotFound for a topic that does not exist. moto 5.x has neither action (HTTP 500).
    """
    import json
    from moto.core.responses import ActionResult, EmptyResult
    from moto.sns.exceptions import SNSInvalidParameter
    from moto.sns.responses import SNSResponse

    def put_data_protection_policy(self):
        topic = self.backend.get_topic(self._get_param("ResourceArn"))
        policy = self._get_param("DataProtectionPolicy") or ""
        if policy:
            try:
                json.loads(policy)
            except ValueError:
                raise SNSInvalidParameter("Invalid parameter: DataProtectionPolicy is not valid JSON")
        topic.data_protection_policy = policy
        return EmptyResult()

    def get_data_protection_policy(self):
        topic = self.backend.get_topic(self._get_param("ResourceArn"))
        return ActionResult({"DataProtectionPolicy": getattr(topic, "data_protection_policy", "")})

    SNSResponse.put_data_protection_policy = put_data_protection_policy
    SNSResponse.get_data_protection_policy = get_data_protection_policy


def patch_ecr_pull_through_cache_rules():
    """Pull through cache rules: Create/Describe/Update/DeletePullThroughCacheRule.

    AWS (ECR API reference) keeps one rule per ECR repository prefix in a registry:
    CreatePullThroughCacheRule stores the upstream registry URL (the upstream registry kind,
    `upstreamRegistry`, follows from it), the optional credential secret, custom role and
    upstream repository prefix, and answers PullThroughCacheRuleAlreadyExistsException for a
    prefix that has a rule; DescribePullThroughCacheRules lists the registry's rules, or the
    named prefixes' (PullThroughCacheRuleNotFoundException when one has none);
    UpdatePullThroughCacheRule changes the credential and custom role; DeletePullThroughCacheRule
    answers the deleted rule. moto 5.x has none of the four actions (HTTP 500).
    """
    import datetime
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse

    class RuleNotFound(ServiceException):
        code = "PullThroughCacheRuleNotFoundException"

    class RuleExists(ServiceException):
        code = "PullThroughCacheRuleAlreadyExistsException"

    class UnsupportedUpstream(ServiceException):
        code = "UnsupportedUpstreamRegistryException"

    upstreams = [
        (r"^public\.ecr\.aws$", "ecr-public"),
        (r"^registry\.k8s\.io$", "k8s"),
        (r"^quay\.io$", "quay"),
        (r"^registry-1\.docker\.io$", "docker-hub"),
        (r"^ghcr\.io$", "github-container-registry"),
        (r"^[a-z0-9-]+\.azurecr\.io$", "azure-container-registry"),
        (r"^registry\.gitlab\.com$", "gitlab-container-registry"),
        (r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$", "ecr"),
    ]

    def rules(backend):
        if not hasattr(backend, "pull_through_cache_rules"):
            backend.pull_through_cache_rules = {}
        return backend.pull_through_cache_rules

    def not_found(prefix, registry):
        return RuleNotFound(
            f"The pull through cache rule with ecrRepositoryPrefix '{prefix}' does not exist "
            f"in the registry with id '{registry}'."
        )

    def rule_of(self, prefix):
        registry = self._get_param("registryId") or self.current_account
        rule = rules(self.ecr_backend).get(prefix)
        if rule is None or rule["registryId"] != registry:
            raise not_found(prefix, registry)
        return rule

    def create_pull_through_cache_rule(self):
        prefix = self._get_param("ecrRepositoryPrefix")
        url = self._get_param("upstreamRegistryUrl")
        registry = self._get_param("registryId") or self.current_account
        known = rules(self.ecr_backend)
        if prefix in known:
            raise RuleExists(
                f"A pull through cache rule with prefix '{prefix}' already exists in the registry "
                f"with id '{registry}'."
            )
        kind = next((k for pattern, k in upstreams if re.match(pattern, url or "")), None)
        if kind is None:
            raise UnsupportedUpstream(f"The upstream registry URL '{url}' is not supported.")
        rule = {
            "ecrRepositoryPrefix": prefix,
            "upstreamRegistryUrl": url,
            "createdAt": datetime.datetime.now(datetime.timezone.utc),
            "registryId": registry,
            "upstreamRegistry": self._get_param("upstreamRegistry") or kind,
        }
        for key in ("credentialArn", "customRoleArn", "upstreamRepositoryPrefix"):
            if self._get_param(key):
                rule[key] = self._get_param(key)
        known[prefix] = rule
        return ActionResult(dict(rule))

    def describe_pull_through_cache_rules(self):
        registry = self._get_param("registryId") or self.current_account
        wanted = self._get_param("ecrRepositoryPrefixes")
        if wanted:
            found = [rule_of(self, p) for p in wanted]
        else:
            found = [r for r in rules(self.ecr_backend).values() if r["registryId"] == registry]
        return ActionResult({"pullThroughCacheRules": found})

    def update_pull_through_cache_rule(self):
        rule = rule_of(self, self._get_param("ecrRepositoryPrefix"))
        for key in ("credentialArn", "customRoleArn"):
            if self._get_param(key) is not None:
                rule[key] = self._get_param(key)
        rule["updatedAt"] = datetime.datetime.now(datetime.timezone.utc)
        answer = {k: v for k, v in rule.items() if k not in ("createdAt", "upstreamRegistry", "upstreamRegistryUrl")}
        return ActionResult(answer)

    def delete_pull_through_cache_rule(self):
        prefix = self._get_param("ecrRepositoryPrefix")
        rule = rule_of(self, prefix)
        del rules(self.ecr_backend)[prefix]
        return ActionResult({k: v for k, v in rule.items() if k not in ("updatedAt", "upstreamRegistry")})

    ECRResponse.create_pull_through_cache_rule = create_pull_through_cache_rule
    ECRResponse.describe_pull_through_cache_rules = describe_pull_through_cache_rules
    ECRResponse.update_pull_through_cache_rule = update_pull_through_cache_rule
    ECRResponse.delete_pull_through_cache_rule = delete_pull_through_cache_rule


def patch_codedeploy_lifecycle():
    """CodeDeploy applications and deployment groups, as the CodeDeploy API reference has them.

    moto 5.2.5 can create and get them but has no UpdateApplication, DeleteApplication,
    UpdateDeploymentGroup or DeleteDeploymentGroup (HTTP 500), and its GetDeploymentGroup
    answer departs from AWS's: `autoScalingGroups` as bare names where AWS answers
    `{name, hook, terminationHook}` objects (the SDKs cannot read bare names), the alarm
    configuration always `{}` (dropped), `{}` for every structure never set where AWS leaves
    them out, no `outdatedInstancesStrategy` (AWS: `UPDATE` unless set) and no
    `deploymentStyle` (AWS: `IN_PLACE` / `WITHOUT_TRAFFIC_CONTROL` unless set).

    Added as AWS documents them: UpdateApplication renames (ApplicationAlreadyExistsException for
    a name in use), its groups and tags going along; DeleteApplication deletes the application
    with its deployment groups; UpdateDeploymentGroup replaces each setting it is sent (and
    renames with `newDeploymentGroupName`), DeleteDeploymentGroup deletes; both answer
    `hooksNotCleanedUp` and DeploymentGroupDoesNotExistException for a group that is not there.
    """
    from moto.codedeploy import models as cd_models
    from moto.codedeploy import responses as cd
    from moto.codedeploy.exceptions import ApplicationAlreadyExistsException
    from moto.core.responses import ActionResult

    original_info = cd._deployment_group_info

    def deployment_group_info(group):
        info = original_info(group)
        info["autoScalingGroups"] = [
            {"name": n} if isinstance(n, str) else n for n in group.auto_scaling_groups
        ]
        info["alarmConfiguration"] = group.alarm_configuration or {}
        info["outdatedInstancesStrategy"] = group.outdated_instances_strategy or "UPDATE"
        info["deploymentStyle"] = group.deployment_style or {
            "deploymentType": "IN_PLACE",
            "deploymentOption": "WITHOUT_TRAFFIC_CONTROL",
        }
        if group.termination_hook_enabled is None:
            info["terminationHookEnabled"] = False
        return {k: v for k, v in info.items() if v != {}}

    cd._deployment_group_info = deployment_group_info

    settings = {
        "deploymentConfigName": "deployment_config_name",
        "ec2TagFilters": "ec2_tag_filters",
        "onPremisesInstanceTagFilters": "on_premises_instance_tag_filters",
        "autoScalingGroups": "auto_scaling_groups",
        "serviceRoleArn": "service_role_arn",
        "triggerConfigurations": "trigger_configurations",
        "alarmConfiguration": "alarm_configuration",
        "autoRollbackConfiguration": "auto_rollback_configuration",
        "outdatedInstancesStrategy": "outdated_instances_strategy",
        "deploymentStyle": "deployment_style",
        "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
        "loadBalancerInfo": "load_balancer_info",
        "ec2TagSet": "ec2_tag_set",
        "ecsServices": "ecs_services",
        "onPremisesTagSet": "on_premises_tag_set",
        "terminationHookEnabled": "termination_hook_enabled",
    }

    def move_tags(backend, old_arn, new_arn):
        tags = backend.tagger.list_tags_for_resource(old_arn)["Tags"]
        backend.tagger.delete_all_tags_for_resource(old_arn)
        if tags:
            backend.tagger.tag_resource(new_arn, tags)

    def group_arns(backend, app):
        return [
            backend._deployment_group_arn(app, name)
            for name in backend.deployment_groups.get(app, {})
        ]

    def update_application(self):
        backend = self.codedeploy_backend
        old = self._get_param("applicationName")
        new = self._get_param("newApplicationName")
        app = backend.get_application(old)
        if new and new != old:
            if new in backend.applications:
                raise ApplicationAlreadyExistsException(
                    f"The application {new} already exists with the user or AWS account."
                )
            groups = backend.deployment_groups.pop(old, {})
            for name in groups:
                move_tags(
                    backend,
                    backend._deployment_group_arn(old, name),
                    backend._deployment_group_arn(new, name),
                )
            move_tags(backend, backend._application_arn(old), backend._application_arn(new))
            del backend.applications[old]
            app.application_name = new
            backend.applications[new] = app
            if groups:
                backend.deployment_groups[new] = groups
        return ActionResult({})

    def delete_application(self):
        backend = self.codedeploy_backend
        name = self._get_param("applicationName")
        if name in backend.applications:
            for arn in group_arns(backend, name):
                backend.tagger.delete_all_tags_for_resource(arn)
            backend.deployment_groups.pop(name, None)
            backend.tagger.delete_all_tags_for_resource(backend._application_arn(name))
            del backend.applications[name]
        return ActionResult({})

    def update_deployment_group(self):
        backend = self.codedeploy_backend
        app = self._get_param("applicationName")
        current = self._get_param("currentDeploymentGroupName")
        group = backend.get_deployment_group(app, current)
        for param, attr in settings.items():
            value = self._get_param(param)
            if value is not None:
                setattr(group, attr, value)
        new = self._get_param("newDeploymentGroupName")
        if new and new != current:
            groups = backend.deployment_groups[app]
            if new in groups:
                raise cd_models.DeploymentGroupAlreadyExistsException(
                    f"Deployment group {new} already exists."
                )
            move_tags(
                backend,
                backend._deployment_group_arn(app, current),
                backend._deployment_group_arn(app, new),
            )
            del groups[current]
            group.deployment_group_name = new
            groups[new] = group
        return ActionResult({"hooksNotCleanedUp": []})

    def delete_deployment_group(self):
        backend = self.codedeploy_backend
        app = self._get_param("applicationName")
        name = self._get_param("deploymentGroupName")
        backend.get_deployment_group(app, name)
        backend.tagger.delete_all_tags_for_resource(backend._deployment_group_arn(app, name))
        del backend.deployment_groups[app][name]
        return ActionResult({"hooksNotCleanedUp": []})

    cd.CodeDeployResponse.update_application = update_application
    cd.CodeDeployResponse.delete_application = delete_application
    cd.CodeDeployResponse.update_deployment_group = update_deployment_group
    cd.CodeDeployResponse.delete_deployment_group = delete_deployment_group


def patch_ecr_repository_creation_templates():
    """Repository creation templates: Create/Describe/Update/DeleteRepositoryCreationTemplate.

    AWS (ECR API reference) keeps one template per repository prefix (`ROOT` for every
    repository) in a registry: CreateRepositoryCreationTemplate stores the prefix, `appliedFor`,
    description, encryption configuration, resource tags, tag mutability, repository and
    lifecycle policies and custom role, and answers TemplateAlreadyExistsException for a prefix
    that has one; DescribeRepositoryCreationTemplates lists the registry's templates, or the
    named prefixes' (TemplateNotFoundException when one has none); UpdateRepositoryCreationTemplate
    replaces the fields it is given; DeleteRepositoryCreationTemplate answers the deleted
    template. Every answer carries the registry id. Policies must be JSON
    (InvalidParameterException otherwise). moto 5.x has none of the four actions (HTTP 500).
    """
    import datetime
    import json
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse

    class TemplateNotFound(ServiceException):
        code = "TemplateNotFoundException"

    class TemplateExists(ServiceException):
        code = "TemplateAlreadyExistsException"

    class InvalidParameter(ServiceException):
        code = "InvalidParameterException"

    fields = (
        "description",
        "encryptionConfiguration",
        "resourceTags",
        "imageTagMutability",
        "repositoryPolicy",
        "lifecyclePolicy",
        "appliedFor",
        "customRoleArn",
    )

    def templates(backend):
        if not hasattr(backend, "repository_creation_templates"):
            backend.repository_creation_templates = {}
        return backend.repository_creation_templates

    def template_of(self, prefix):
        template = templates(self.ecr_backend).get(prefix)
        if template is None:
            raise TemplateNotFound(
                f"The repository creation template with prefix '{prefix}' does not exist in the "
                f"registry with id '{self.current_account}'."
            )
        return template

    def take(self, template):
        for key in fields:
            value = self._get_param(key)
            if value is None:
                continue
            if key in ("repositoryPolicy", "lifecyclePolicy") and value != "":
                try:
                    json.loads(value)
                except ValueError:
                    raise InvalidParameter(f"Invalid parameter at '{key}' failed to satisfy constraint: 'Invalid JSON'")
            template[key] = value

    def answer(self, template):
        return ActionResult({"registryId": self.current_account, "repositoryCreationTemplate": dict(template)})

    def create_repository_creation_template(self):
        prefix = self._get_param("prefix")
        known = templates(self.ecr_backend)
        if prefix in known:
            raise TemplateExists(
                f"The repository creation template with prefix '{prefix}' already exists in the "
                f"registry with id '{self.current_account}'."
            )
        now = datetime.datetime.now(datetime.timezone.utc)
        template = {"prefix": prefix, "createdAt": now, "updatedAt": now}
        take(self, template)
        known[prefix] = template
        return answer(self, template)

    def describe_repository_creation_templates(self):
        wanted = self._get_param("prefixes")
        if wanted:
            found = [template_of(self, p) for p in wanted]
        else:
            found = sorted(templates(self.ecr_backend).values(), key=lambda t: t["prefix"])
        return ActionResult({"registryId": self.current_account, "repositoryCreationTemplates": found})

    def update_repository_creation_template(self):
        template = template_of(self, self._get_param("prefix"))
        take(self, template)
        template["updatedAt"] = datetime.datetime.now(datetime.timezone.utc)
        return answer(self, template)

    def delete_repository_creation_template(self):
        prefix = self._get_param("prefix")
        template = template_of(self, prefix)
        del templates(self.ecr_backend)[prefix]
        return answer(self, template)

    ECRResponse.create_repository_creation_template = create_repository_creation_template
    ECRResponse.describe_repository_creation_templates = describe_repository_creation_templates
    ECRResponse.update_repository_creation_template = update_repository_creation_template
    ECRResponse.delete_repository_creation_template = delete_repository_creation_template


def patch_secretsmanager_resource_policies():
    """Resource policy calls on a secret scheduled for deletion, and policy text that is not JSON.

    AWS (Secrets Manager API reference, PutResourcePolicy, GetResourcePolicy,
    DeleteResourcePolicy) refuses every call on a secret marked for deletion with
    InvalidRequestException "You can't perform this operation on the secret because it was marked
    for deletion.", and PutResourcePolicy refuses text that is not JSON with
    MalformedPolicyDocumentException. moto 5.x answers all three on a deleted secret and stores
    any text.
    """
    import json
    from moto.secretsmanager.exceptions import InvalidRequestException, SecretsManagerClientError
    from moto.secretsmanager.models import SecretsManagerBackend

    def refuse_when_deleted(backend, secret_id):
        if backend._is_valid_identifier(secret_id):
            secret = backend.secrets[secret_id]
            if getattr(secret, "is_deleted", lambda: False)():
                raise InvalidRequestException(
                    "You can't perform this operation on the secret because it was marked for deletion."
                )

    for name in ("put_resource_policy", "get_resource_policy", "delete_resource_policy"):
        original = getattr(SecretsManagerBackend, name)

        def guarded(self, secret_id, *args, _original=original, _name=name, **kwargs):
            refuse_when_deleted(self, secret_id)
            if _name == "put_resource_policy":
                policy = args[0] if args else kwargs.get("policy")
                try:
                    json.loads(policy or "")
                except ValueError:
                    raise SecretsManagerClientError(
                        "MalformedPolicyDocumentException", "The resource policy is not valid JSON."
                    )
            return _original(self, secret_id, *args, **kwargs)

        setattr(SecretsManagerBackend, name, guarded)


def patch_secretsmanager_rotation():
    """Secret rotation as the Secrets Manager API reference gives RotateSecret, DescribeSecret
    and CancelRotateSecret.

    AWS keeps RotationRules as given: ScheduleExpression and Duration beside
    AutomaticallyAfterDays (which a `rate(N days)` expression also sets); moto 5.x kept only
    AutomaticallyAfterDays, and a schedule alone left rotation disabled. AWS starts the rotation
    function asynchronously once RotateSecret has checked it exists, and the call answers
    whatever the function later does; moto ran the function in-line, which needs Docker (absent
    here), so every rotation with a function failed. On the emulator the rotation completes at
    once, as moto already does for a secret with no function. A secret with no rotation function
    that no service manages cannot rotate (InvalidRequestException); a later RotateSecret without
    RotationLambdaARN keeps the function already configured (moto forgot it); and
    CancelRotateSecret turns managed rotation off too (moto refused any secret without a
    function).
    """
    import re
    from moto.secretsmanager.exceptions import InvalidRequestException, ResourceNotFoundException
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    rotate = SecretsManagerBackend.rotate_secret
    cancel = SecretsManagerBackend.cancel_rotate_secret
    to_dict = FakeSecret.to_dict

    def rotate_secret(self, secret_id, client_request_token=None, rotation_lambda_arn=None,
                      rotation_rules=None, rotate_immediately=True):
        if not self._is_valid_identifier(secret_id):
            return rotate(self, secret_id, client_request_token, rotation_lambda_arn,
                          rotation_rules, rotate_immediately)
        secret = self.secrets[secret_id]
        function = rotation_lambda_arn or getattr(secret, "rotation_lambda_arn", "") or ""
        if isinstance(secret, FakeSecret) and not secret.is_deleted():
            if not function and secret.owning_service is None:
                raise InvalidRequestException(
                    "No Lambda rotation function ARN is associated with this secret."
                )
            if function:
                from moto.awslambda.utils import get_backend

                try:
                    get_backend(self.account_id, self.region_name).get_function(function)
                except Exception:
                    raise ResourceNotFoundException(f"Resource not found for ARN '{function}'.")
        rules = dict(rotation_rules or {})
        days = rules.get("AutomaticallyAfterDays")
        expression = rules.get("ScheduleExpression")
        if days is None and expression:
            rate = re.fullmatch(r"rate\((\d+) days?\)", expression.strip())
            days = int(rate.group(1)) if rate else None
        out = rotate(self, secret_id, client_request_token, None,
                     {"AutomaticallyAfterDays": days} if days else None, rotate_immediately)
        secret.rotation_lambda_arn = function
        if rotation_rules:
            secret.auto_rotate_after_days = days or 0
            secret.rotation_schedule_expression = expression
            secret.rotation_duration = rules.get("Duration")
        secret.rotation_enabled = True
        return out

    def cancel_rotate_secret(self, secret_id):
        secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
        if (isinstance(secret, FakeSecret) and not secret.is_deleted()
                and not secret.rotation_lambda_arn):
            secret.rotation_enabled = False
            return secret.to_short_dict()
        return cancel(self, secret_id)

    def secret_to_dict(self):
        out = to_dict(self)
        if "RotationRules" in out:
            rules = {}
            if self.auto_rotate_after_days:
                rules["AutomaticallyAfterDays"] = self.auto_rotate_after_days
            for key, attr in (("ScheduleExpression", "rotation_schedule_expression"),
                              ("Duration", "rotation_duration")):
                if getattr(self, attr, None):
                    rules[key] = getattr(self, attr)
            out["RotationRules"] = rules
        return out

    SecretsManagerBackend.rotate_secret = rotate_secret
    SecretsManagerBackend.cancel_rotate_secret = cancel_rotate_secret
    FakeSecret.to_dict = secret_to_dict


def patch_logs_query_definitions():
    """CloudWatch Logs: saved Logs Insights queries (PutQueryDefinition,
    DescribeQueryDefinitions, DeleteQueryDefinition), which moto 5.2.5 does not implement.

    As AWS documents them: PutQueryDefinition creates a definition (a new UUID id) or, given a
    queryDefinitionId, replaces that one's name, query and log groups (ResourceNotFoundException
    for an unknown id); DescribeQueryDefinitions lists a region's definitions, narrowed by
    queryDefinitionNamePrefix; DeleteQueryDefinition answers {"success": true}, and
    ResourceNotFoundException for an unknown id.
    """
    import time
    import uuid

    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.responses import LogsResponse

    store = {}

    def definitions(self):
        return store.setdefault((self.current_account, self.region), {})

    def put_query_definition(self):
        found = definitions(self)
        wanted = self._get_param("queryDefinitionId")
        if wanted and wanted not in found:
            raise ResourceNotFoundException("Query definition not found")
        ident = wanted or str(uuid.uuid4())
        found[ident] = {
            "queryDefinitionId": ident,
            "name": self._get_param("name"),
            "queryString": self._get_param("queryString"),
            "logGroupNames": self._get_param("logGroupNames") or [],
            "lastModified": int(time.time() * 1000),
        }
        return json.dumps({"queryDefinitionId": ident})

    def describe_query_definitions(self):
        prefix = self._get_param("queryDefinitionNamePrefix") or ""
        matching = [d for d in definitions(self).values() if d["name"].startswith(prefix)]
        return json.dumps({"queryDefinitions": matching})

    def delete_query_definition(self):
        if definitions(self).pop(self._get_param("queryDefinitionId"), None) is None:
            raise ResourceNotFoundException("Query definition not found")
        return json.dumps({"success": True})

    LogsResponse.put_query_definition = put_query_definition
    LogsResponse.describe_query_definitions = describe_query_definitions
    LogsResponse.delete_query_definition = delete_query_definition


def patch_logs_data_protection_policies():
    """CloudWatch Logs: a log group's data protection policy (PutDataProtectionPolicy,
    GetDataProtectionPolicy, DeleteDataProtectionPolicy), which moto 5.2.5 does not implement.

    As the CloudWatch Logs API reference gives them: the group is named by its name or ARN and
    must exist (ResourceNotFoundException); a put replaces the group's one policy, which must be
    a JSON document of two statements, the first with the Audit operation and the second with
    the Deidentify one (InvalidParameterException otherwise); a get answers the group and, when
    it has one, the policy and when it was last updated; a delete removes it; DescribeLogGroups
    shows `dataProtectionStatus` ACTIVATED while a group has one. The policy goes with its group.
    """
    import time

    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
    from moto.logs.models import LogGroup
    from moto.logs.responses import LogsResponse

    def group(self):
        ident = self._get_param("logGroupIdentifier") or ""
        name = ident.split(":log-group:", 1)[1] if ":log-group:" in ident else ident
        name = name[:-2] if name.endswith(":*") else name
        found = self.logs_backend.groups.get(name)
        if found is None:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return ident, found

    def checked(text):
        try:
            statements = json.loads(text).get("Statement")
        except (ValueError, AttributeError):
            statements = None
        ops = [s.get("Operation") or {} for s in statements or [] if isinstance(s, dict)]
        if len(ops) != 2 or "Audit" not in ops[0] or "Deidentify" not in ops[1]:
            raise InvalidParameterException(
                "Invalid data protection policy: it needs two statements, the first with the "
                "Audit operation and the second with the Deidentify operation."
            )
        return text

    def put_data_protection_policy(self):
        ident, found = group(self)
        found.data_protection_policy = checked(self._get_param("policyDocument") or "")
        found.data_protection_updated = int(time.time() * 1000)
        return json.dumps({
            "logGroupIdentifier": ident,
            "policyDocument": found.data_protection_policy,
            "lastUpdatedTime": found.data_protection_updated,
        })

    def get_data_protection_policy(self):
        ident, found = group(self)
        out = {"logGroupIdentifier": ident}
        if getattr(found, "data_protection_policy", None):
            out["policyDocument"] = found.data_protection_policy
            out["lastUpdatedTime"] = found.data_protection_updated
        return json.dumps(out)

    def delete_data_protection_policy(self):
        _, found = group(self)
        found.data_protection_policy = None
        return "{}"

    describe = LogGroup.to_describe_dict

    def to_describe_dict(self):
        out = describe(self)
        if getattr(self, "data_protection_policy", None):
            out["dataProtectionStatus"] = "ACTIVATED"
        return out

    LogsResponse.put_data_protection_policy = put_data_protection_policy
    LogsResponse.get_data_protection_policy = get_data_protection_policy
    LogsResponse.delete_data_protection_policy = delete_data_protection_policy
    LogGroup.to_describe_dict = to_describe_dict


def patch_logs_metric_filter_replace():
    """PutMetricFilter on a filter name a log group already has replaces that filter.

    AWS documents PutMetricFilter as "creates or updates"; moto 5.2.5 appends another filter of
    the same name, so DescribeMetricFilters answers the old one first.
    """
    from moto.logs.metric_filters import MetricFilters

    original = MetricFilters.add_filter

    def add_filter(self, filter_name, filter_pattern, log_group_name, metric_transformations):
        self.metric_filters = [
            f
            for f in self.metric_filters
            if not (f["filterName"] == filter_name and f["logGroupName"] == log_group_name)
        ]
        original(self, filter_name, filter_pattern, log_group_name, metric_transformations)

    MetricFilters.add_filter = add_filter


def patch_lambda_event_invoke_config():
    """PutFunctionEventInvokeConfig overwrites a function's configuration; Update merges into it.

    AWS (API reference, PutFunctionEventInvokeConfig): "If a configuration already exists for a
    function, version, or alias, this operation overwrites it", while
    UpdateFunctionEventInvokeConfig changes only the settings it is sent. moto 5.2.5 appends
    every Put (and Update) to a list and GetFunctionEventInvokeConfig answers the first, so no
    change was ever seen. Qualifiers stay ignored, as in moto: one configuration per function.
    """
    from moto.awslambda.models import EventInvokeConfig, LambdaBackend

    def put_function_event_invoke_config(self, function_name, config):
        fn = self.get_function(function_name)
        event_config = EventInvokeConfig(fn.function_arn, fn.last_modified, config)
        fn.event_invoke_config = [event_config]
        return event_config.response()

    def update_function_event_invoke_config(self, function_name, config):
        fn = self.get_function(function_name)
        merged = dict(fn.event_invoke_config[0].config) if fn.event_invoke_config else {}
        merged.update(config)
        return put_function_event_invoke_config(self, function_name, merged)

    LambdaBackend.put_function_event_invoke_config = put_function_event_invoke_config
    LambdaBackend.update_function_event_invoke_config = update_function_event_invoke_config


def patch_lambda_function_urls():
    """Function URLs as AWS documents them (API reference, CreateFunctionUrlConfig and friends).

    moto 5.2.5 differs in five ways, each patched here: the URL lacks the trailing slash AWS
    answers (`https://URLID.lambda-url.REGION.on.aws/`); InvokeMode defaults to "Buffered" where
    AWS answers `BUFFERED`; UpdateFunctionUrlConfig never changes InvokeMode and cannot clear
    Cors (AWS replaces what it is sent); CreateFunctionUrlConfig on a function that has a URL
    overwrites it, where AWS answers ResourceConflictException; DeleteFunctionUrlConfig of a
    function without one succeeds, where AWS answers ResourceNotFoundException. Qualifiers stay
    ignored, as in moto: one URL per function. UpdateFunctionUrlConfig of a function without a URL
    answers ResourceNotFoundException (moto failed with HTTP 500).
    """
    from moto.awslambda.exceptions import GenericResourcNotFound, LambdaClientError
    from moto.awslambda.models import FunctionUrlConfig, LambdaFunction

    class ResourceConflict(LambdaClientError):
        code = 409

        def __init__(self, message):
            super().__init__("ResourceConflictException", message)

    original_init = FunctionUrlConfig.__init__
    original_to_dict = FunctionUrlConfig.to_dict

    def __init__(self, function, config):
        original_init(self, function, config)
        self.url = self.url.rstrip("/") + "/"

    def to_dict(self):
        out = original_to_dict(self)
        out["InvokeMode"] = self.config.get("InvokeMode") or "BUFFERED"
        return out

    def update(self, new_config):
        for key in ("AuthType", "Cors", "InvokeMode"):
            if key in new_config:
                self.config[key] = new_config[key]
        self.last_modified = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def create_url_config(self, config):
        if self.url_config is not None:
            raise ResourceConflict(f"Failed to create function url config for [functionArn = {self.function_arn}]. Error message:  FunctionUrlConfig exists for this Lambda function")
        self.url_config = FunctionUrlConfig(function=self, config=config)
        return self.url_config

    def delete_url_config(self):
        if self.url_config is None:
            raise GenericResourcNotFound()
        self.url_config = None

    def update_url_config(self, config):
        if self.url_config is None:
            raise GenericResourcNotFound()
        self.url_config.update(config)
        return self.url_config

    FunctionUrlConfig.__init__ = __init__
    FunctionUrlConfig.to_dict = to_dict
    FunctionUrlConfig.update = update
    LambdaFunction.create_url_config = create_url_config
    LambdaFunction.delete_url_config = delete_url_config
    LambdaFunction.update_url_config = update_url_config


def patch_appautoscaling_scheduled_actions():
    """Application Auto Scaling scheduled actions as the PutScheduledAction and
    DeregisterScalableTarget references have them. moto 5.2.5 made an action for a target that
    was never registered (AWS: ObjectNotFoundException), answered an ARN in another form than
    AWS's (`scheduledAction:UUID:resource/RESOURCE:scheduledActionName/NAME`),
    deleted a missing action without a word (AWS: ObjectNotFoundException), and kept a target's
    actions and scaling policies after the target was deregistered (AWS deletes them with it).
    """
    import uuid

    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.core.exceptions import JsonRESTError

    def not_found(message):
        return JsonRESTError("ObjectNotFoundException", message)

    def find(self, namespace, name, resource_id, dimension):
        return next(
            (
                a
                for a in self.scheduled_actions
                if (a.service_namespace, a.scheduled_action_name, a.resource_id) == (namespace, name, resource_id)
                and (dimension is None or a.scalable_dimension == dimension)
            ),
            None,
        )

    original_put = ApplicationAutoscalingBackend.put_scheduled_action

    def put(self, service_namespace, schedule, timezone, scheduled_action_name, resource_id, scalable_dimension, start_time, end_time, scalable_target_action):
        if not self._scalable_target_exists(resource_id, scalable_dimension):
            raise not_found(
                f"No scalable target registered for service namespace: {service_namespace}, "
                f"resource ID: {resource_id}, scalable dimension: {scalable_dimension}"
            )
        # A put on an existing action changes what it sends and deletes start and end times it
        # does not send ("If you don't specify start and end times, the old values are
        # deleted"), as moto's update already does.
        before = find(self, service_namespace, scheduled_action_name, resource_id, scalable_dimension)
        original_put(self, service_namespace, schedule, timezone, scheduled_action_name, resource_id, scalable_dimension, start_time, end_time, scalable_target_action)
        action = find(self, service_namespace, scheduled_action_name, resource_id, scalable_dimension)
        if before is None:
            action.arn = (
                f"arn:{self.partition}:autoscaling:{self.region_name}:{self.account_id}:"
                f"scheduledAction:{uuid.uuid4()}:resource/{resource_id}:scheduledActionName/{scheduled_action_name}"
            )

    def delete(self, service_namespace, scheduled_action_name, resource_id, scalable_dimension):
        if find(self, service_namespace, scheduled_action_name, resource_id, scalable_dimension) is None:
            raise not_found(f"No scheduled action found for name: {scheduled_action_name}")
        self.scheduled_actions = [
            a
            for a in self.scheduled_actions
            if not (
                (a.service_namespace, a.scheduled_action_name, a.resource_id) == (service_namespace, scheduled_action_name, resource_id)
                and a.scalable_dimension == scalable_dimension
            )
        ]

    original_deregister = ApplicationAutoscalingBackend.deregister_scalable_target

    def deregister(self, namespace, r_id, dimension):
        original_deregister(self, namespace, r_id, dimension)
        self.scheduled_actions = [
            a for a in self.scheduled_actions if (a.resource_id, a.scalable_dimension) != (r_id, dimension)
        ]
        for key in [k for k, p in self.policies.items() if (p.resource_id, p.scalable_dimension) == (r_id, dimension)]:
            del self.policies[key]

    ApplicationAutoscalingBackend.put_scheduled_action = put
    ApplicationAutoscalingBackend.delete_scheduled_action = delete
    ApplicationAutoscalingBackend.deregister_scalable_target = deregister


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


def patch_iam_update_group():
    """UpdateGroup: a new path on its own, and the group's own name as NewGroupName.

    moto 5.2.5 changes a group's path only together with a new name, and refuses a NewGroupName
    equal to the current one (EntityAlreadyExists). IAM applies NewPath alone and takes the
    current name as no rename (the AWS provider sends both on every path change).
    """
    from moto.iam.models import IAMBackend

    original = IAMBackend.update_group

    def update_group(self, group_name, new_group_name, new_path):
        if new_group_name == group_name:
            new_group_name = None
        if not new_group_name:
            group = self.get_group(group_name)
            if new_path:
                group.path = new_path
            return None
        return original(self, group_name, new_group_name, new_path)

    IAMBackend.update_group = update_group


def patch_iam_oidc_client_ids():
    """AddClientIDToOpenIDConnectProvider and RemoveClientIDFromOpenIDConnectProvider.

    moto 5.2.5 lacks both (an unknown action). IAM documents both as idempotent: adding a client
    ID the provider already has, or removing one it does not have, succeeds and changes nothing;
    an unknown provider ARN is NoSuchEntity, and a provider holds at most 100 client IDs
    (LimitExceeded). The AWS provider changes `client_id_list` in place through them.
    """
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.responses import IamResponse
    from moto.core.responses import EmptyResult

    def add_client_id_to_open_id_connect_provider(self):
        provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
        client_id = self._get_param("ClientID")
        if client_id not in provider.client_id_list:
            if len(provider.client_id_list) >= 100:
                raise LimitExceededException("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
            provider.client_id_list.append(client_id)
        return EmptyResult()

    def remove_client_id_from_open_id_connect_provider(self):
        provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
        client_id = self._get_param("ClientID")
        provider.client_id_list = [c for c in provider.client_id_list if c != client_id]
        return EmptyResult()

    IamResponse.add_client_id_to_open_id_connect_provider = add_client_id_to_open_id_connect_provider
    IamResponse.remove_client_id_from_open_id_connect_provider = remove_client_id_from_open_id_connect_provider


def patch_iam_saml_provider_tags():
    """SAML providers keep tags: CreateSAMLProvider's Tags, TagSAMLProvider,
    UntagSAMLProvider, ListSAMLProviderTags, and the Tags GetSAMLProvider answers.

    AWS documents all of these (IAM API reference); moto 5.2.5 drops the Tags of
    CreateSAMLProvider, has none of the three tagging calls and answers GetSAMLProvider without
    Tags, so a tagged provider always read back untagged. Tags are kept in order, a key set
    again takes the new value, and an unknown provider ARN is NoSuchEntity as for every other
    SAML call.
    """
    from moto.core.responses import ActionResult, EmptyResult
    from moto.iam.models import SAMLProvider
    from moto.iam.responses import IamResponse

    SAMLProvider.tags = []
    original_create = IamResponse.create_saml_provider

    def put_tags(provider, tags):
        merged = {t["Key"]: t["Value"] for t in provider.tags}
        merged.update({t["Key"]: t["Value"] for t in tags or []})
        provider.tags = [{"Key": k, "Value": v} for k, v in merged.items()]

    def create_saml_provider(self):
        result = original_create(self)
        provider = self.backend.saml_providers[self._get_param("Name")]
        provider.tags = []
        put_tags(provider, self._get_param("Tags", []))
        return result

    def tag_saml_provider(self):
        provider = self.backend.get_saml_provider(self._get_param("SAMLProviderArn"))
        put_tags(provider, self._get_param("Tags", []))
        return EmptyResult()

    def untag_saml_provider(self):
        provider = self.backend.get_saml_provider(self._get_param("SAMLProviderArn"))
        gone = set(self._get_param("TagKeys", []))
        provider.tags = [t for t in provider.tags if t["Key"] not in gone]
        return EmptyResult()

    def list_saml_provider_tags(self):
        provider = self.backend.get_saml_provider(self._get_param("SAMLProviderArn"))
        return ActionResult({"Tags": provider.tags, "IsTruncated": False})

    IamResponse.create_saml_provider = create_saml_provider
    IamResponse.tag_saml_provider = tag_saml_provider
    IamResponse.untag_saml_provider = untag_saml_provider
    IamResponse.list_saml_provider_tags = list_saml_provider_tags


def patch_ec2_vpc_block_public_access():
    """VPC Block Public Access: the region's options and its exclusions (EC2 API reference).

    - DescribeVpcBlockPublicAccessOptions: one set of options per account and region, in
      `default-state` with InternetGatewayBlockMode `off` until changed.
    - ModifyVpcBlockPublicAccessOptions: takes `off`, `block-bidirectional` or `block-ingress`
      (InvalidParameterValue otherwise); answers `update-in-progress`, and the options read
      `update-complete` afterwards.
    - CreateVpcBlockPublicAccessExclusion: exactly one of VpcId and SubnetId, which must exist
      (InvalidVpcID.NotFound, InvalidSubnetID.NotFound); mode `allow-bidirectional` or
      `allow-egress`; tags from TagSpecifications. Answers `create-in-progress`; reads
      `create-complete` afterwards. The resource ARN names the VPC or subnet.
    - ModifyVpcBlockPublicAccessExclusion: `update-in-progress`, then `update-complete`.
    - DeleteVpcBlockPublicAccessExclusion: `delete-in-progress`, then `delete-complete`; a
      deleted exclusion is still described for a while, as AWS keeps it, and deleting it again
      is InvalidParameterValue "... is in delete-complete state and cannot be deleted".
      An unknown id is InvalidVpcBlockPublicAccessExclusionId.NotFound.
    - Exclusion tags are the EC2 tags of the exclusion id (CreateTags, DeleteTags); the
      `tag:<key>`, `tag-key`, `state` and `resource-arn` filters select exclusions.
    moto 5.x has none of these six actions (HTTP 500).
    """
    import datetime
    import secrets
    import moto.ec2.models as ec2_models
    from moto.core.responses import ActionResult
    from moto.ec2 import utils as ec2_utils
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses.vpcs import VPCs

    # Exclusion ids (`vpcbpa-exclude-` and 17 hex digits) are taggable EC2 ids, as in AWS.
    ec2_utils.EC2_RESOURCE_TO_PREFIX["vpc-block-public-access-exclusion"] = "vpcbpa"
    ec2_utils.EC2_PREFIX_TO_RESOURCE["vpcbpa"] = "vpc-block-public-access-exclusion"
    valid_id = ec2_models.is_valid_resource_id
    ec2_models.is_valid_resource_id = lambda i: i.startswith("vpcbpa-exclude-") or valid_id(i)

    def invalid(message):
        return EC2ClientError("InvalidParameterValue", message)

    def now():
        return datetime.datetime.now(datetime.timezone.utc)

    def options_of(self):
        backend = self.ec2_backend
        if not hasattr(backend, "vpc_bpa_options"):
            backend.vpc_bpa_options = {
                "AwsAccountId": self.current_account,
                "AwsRegion": self.region,
                "State": "default-state",
                "InternetGatewayBlockMode": "off",
                "ExclusionsAllowed": "allowed",
            }
        return backend.vpc_bpa_options

    def exclusions_of(self):
        backend = self.ec2_backend
        if not hasattr(backend, "vpc_bpa_exclusions"):
            backend.vpc_bpa_exclusions = {}
        return backend.vpc_bpa_exclusions

    def with_tags(self, exclusion):
        tags = self.ec2_backend.tags.get(exclusion["ExclusionId"], {})
        return {**exclusion, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    def exclusion_of(self, exclusion_id):
        exclusion = exclusions_of(self).get(exclusion_id)
        if exclusion is None:
            raise EC2ClientError(
                "InvalidVpcBlockPublicAccessExclusionId.NotFound",
                f"The exclusion ID '{exclusion_id}' does not exist",
            )
        return exclusion

    def describe_vpc_block_public_access_options(self):
        return ActionResult({"VpcBlockPublicAccessOptions": dict(options_of(self))})

    def modify_vpc_block_public_access_options(self):
        mode = self._get_param("InternetGatewayBlockMode")
        if mode not in ("off", "block-bidirectional", "block-ingress"):
            raise invalid(f"Value ({mode}) for parameter InternetGatewayBlockMode is invalid.")
        options = options_of(self)
        options.update({"InternetGatewayBlockMode": mode, "LastUpdateTimestamp": now()})
        answer = {**options, "State": "update-in-progress"}
        options["State"] = "update-complete"
        return ActionResult({"VpcBlockPublicAccessOptions": answer})

    def create_vpc_block_public_access_exclusion(self):
        vpc_id, subnet_id = self._get_param("VpcId"), self._get_param("SubnetId")
        mode = self._get_param("InternetGatewayExclusionMode")
        if bool(vpc_id) == bool(subnet_id):
            raise EC2ClientError(
                "InvalidParameterCombination", "Exactly one of VpcId and SubnetId must be specified."
            )
        if mode not in ("allow-bidirectional", "allow-egress"):
            raise invalid(f"Value ({mode}) for parameter InternetGatewayExclusionMode is invalid.")
        if vpc_id:
            self.ec2_backend.get_vpc(vpc_id)
            target = f"vpc/{vpc_id}"
        else:
            self.ec2_backend.get_subnet(subnet_id)
            target = f"subnet/{subnet_id}"
        exclusion_id = "vpcbpa-exclude-" + secrets.token_hex(9)[:17]
        exclusion = {
            "ExclusionId": exclusion_id,
            "InternetGatewayExclusionMode": mode,
            "ResourceArn": f"arn:aws:ec2:{self.region}:{self.current_account}:{target}",
            "State": "create-complete",
            "CreationTimestamp": now(),
            "LastUpdateTimestamp": now(),
        }
        exclusions_of(self)[exclusion_id] = exclusion
        tags = self._parse_tag_specification().get("vpc-block-public-access-exclusion", {})
        if tags:
            self.ec2_backend.create_tags([exclusion_id], tags)
        answer = {**with_tags(self, exclusion), "State": "create-in-progress"}
        return ActionResult({"VpcBlockPublicAccessExclusion": answer})

    def describe_vpc_block_public_access_exclusions(self):
        wanted = self._get_param("ExclusionIds", [])
        if wanted:
            found = [exclusion_of(self, i) for i in wanted]
        else:
            found = list(exclusions_of(self).values())
        found = [with_tags(self, e) for e in found]
        fields = {"state": "State", "resource-arn": "ResourceArn"}
        found = filtered_by(found, self._filters_from_querystring(), fields)
        return ActionResult({"VpcBlockPublicAccessExclusions": found})

    def modify_vpc_block_public_access_exclusion(self):
        exclusion = exclusion_of(self, self._get_param("ExclusionId"))
        mode = self._get_param("InternetGatewayExclusionMode")
        if mode not in ("allow-bidirectional", "allow-egress"):
            raise invalid(f"Value ({mode}) for parameter InternetGatewayExclusionMode is invalid.")
        exclusion.update({"InternetGatewayExclusionMode": mode, "LastUpdateTimestamp": now()})
        answer = {**with_tags(self, exclusion), "State": "update-in-progress"}
        exclusion["State"] = "update-complete"
        return ActionResult({"VpcBlockPublicAccessExclusion": answer})

    def delete_vpc_block_public_access_exclusion(self):
        exclusion_id = self._get_param("ExclusionId")
        exclusion = exclusion_of(self, exclusion_id)
        if exclusion["State"] == "delete-complete":
            raise invalid(f"Exclusion {exclusion_id} is in delete-complete state and cannot be deleted")
        exclusion.update({"LastUpdateTimestamp": now(), "DeletionTimestamp": now()})
        answer = {**with_tags(self, exclusion), "State": "delete-in-progress"}
        exclusion["State"] = "delete-complete"
        return ActionResult({"VpcBlockPublicAccessExclusion": answer})

    VPCs.describe_vpc_block_public_access_options = describe_vpc_block_public_access_options
    VPCs.modify_vpc_block_public_access_options = modify_vpc_block_public_access_options
    VPCs.create_vpc_block_public_access_exclusion = create_vpc_block_public_access_exclusion
    VPCs.describe_vpc_block_public_access_exclusions = describe_vpc_block_public_access_exclusions
    VPCs.modify_vpc_block_public_access_exclusion = modify_vpc_block_public_access_exclusion
    VPCs.delete_vpc_block_public_access_exclusion = delete_vpc_block_public_access_exclusion


def patch_ec2_transit_gateway_route_table_filters():
    """DescribeTransitGatewayRouteTables filters as the EC2 API reference has them.

    AWS filters route tables by `default-association-route-table` and
    `default-propagation-route-table` ("true" or "false") and by `tag:<key>` / `tag-key`; moto
    5.2.5 compared the boolean attributes with the strings (so those filters matched nothing)
    and ignored tag filters (so every table matched).
    """
    from moto.ec2.models.transit_gateway_route_tables import TransitGatewayRouteTableBackend
    from moto.ec2.utils import describe_tag_filter

    original = TransitGatewayRouteTableBackend.get_all_transit_gateway_route_tables
    flags = {
        "default-association-route-table": "default_association_route_table",
        "default-propagation-route-table": "default_propagation_route_table",
    }

    def get_all_transit_gateway_route_tables(self, transit_gateway_route_table_ids=None, filters=None):
        filters = dict(filters or {})
        wanted = {name: filters.pop(name) for name in list(filters) if name in flags}
        found = original(self, transit_gateway_route_table_ids, filters)
        for name, values in wanted.items():
            found = [t for t in found if str(bool(getattr(t, flags[name]))).lower() in values]
        if "tag-key" in filters:
            found = [t for t in found if any(tag.get("key") in filters["tag-key"] for tag in t.get_tags())]
        return describe_tag_filter(filters, found) if filters else found

    TransitGatewayRouteTableBackend.get_all_transit_gateway_route_tables = get_all_transit_gateway_route_tables


def patch_ec2_capacity_reservations():
    """EC2 On-Demand Capacity Reservations, which moto 5.2.5 lacks (HTTP 500), as the EC2 API
    reference documents them.

    - CreateCapacityReservation: InstanceType, InstancePlatform (one of AWS's platform names),
      AvailabilityZone (of the region, else InvalidParameterValue), InstanceCount of at least 1,
      Tenancy (`default`, `dedicated`), EbsOptimized, EphemeralStorage, EndDateType (`unlimited`,
      or `limited` with an EndDate; an EndDate with `unlimited` is InvalidParameterCombination),
      InstanceMatchCriteria (`open`, `targeted`), OutpostArn, PlacementGroupArn, tags from
      TagSpecifications; a repeated ClientToken answers the reservation that token made. The
      reservation answers `pending` and reads `active` afterwards; its ARN is
      arn:aws:ec2:REGION:ACCOUNT:capacity-reservation/ID.
    - DescribeCapacityReservations by ids (an unknown one is
      InvalidCapacityReservationId.NotFound) or filters (`instance-type`, `state`, `tag:<key>`,
      `tag-key`).
    - ModifyCapacityReservation: InstanceCount, EndDate and EndDateType of an active one, with
      the rules of the create.
    - CancelCapacityReservation: the reservation is `cancelled` (still described for a while, as
      AWS keeps it); modifying or cancelling one that is not active is IncorrectState.
    Tags are the EC2 tags of the reservation id (CreateTags, DeleteTags).
    """
    import datetime
    import secrets
    from moto.core.responses import ActionResult
    from moto.ec2 import utils as ec2_utils
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses.vpcs import VPCs

    ec2_utils.EC2_RESOURCE_TO_PREFIX["capacity-reservation"] = "cr"
    ec2_utils.EC2_PREFIX_TO_RESOURCE["cr"] = "capacity-reservation"
    platforms = {
        "Linux/UNIX", "Red Hat Enterprise Linux", "SUSE Linux", "Windows", "Windows with SQL Server",
        "Windows with SQL Server Enterprise", "Windows with SQL Server Standard", "Windows with SQL Server Web",
        "Linux with SQL Server Standard", "Linux with SQL Server Web", "Linux with SQL Server Enterprise",
        "RHEL with SQL Server Standard", "RHEL with SQL Server Enterprise", "RHEL with SQL Server Web",
        "RHEL with HA", "RHEL with HA and SQL Server Standard", "RHEL with HA and SQL Server Enterprise",
        "Ubuntu Pro",
    }

    def invalid(message, code="InvalidParameterValue"):
        return EC2ClientError(code, message)

    def reservations_of(self):
        backend = self.ec2_backend
        if not hasattr(backend, "capacity_reservations"):
            backend.capacity_reservations = {}
        return backend.capacity_reservations

    def with_tags(self, r):
        tags = self.ec2_backend.tags.get(r["CapacityReservationId"], {})
        return {**r, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    def reservation_of(self, rid):
        r = reservations_of(self).get(rid)
        if r is None:
            raise invalid(f"The capacity reservation ID '{rid}' does not exist", "InvalidCapacityReservationId.NotFound")
        return r

    def end_of(self, end_type):
        end = self._get_param("EndDate")
        if end_type not in ("unlimited", "limited"):
            raise invalid(f"Value ({end_type}) for parameter EndDateType is invalid.")
        if end_type == "limited" and not end:
            raise invalid("EndDate is required when EndDateType is limited", "InvalidParameterCombination")
        if end_type == "unlimited" and end:
            raise invalid("EndDate cannot be specified when EndDateType is unlimited", "InvalidParameterCombination")
        return end

    def count_of(self):
        count = int(self._get_param("InstanceCount") or 0)
        if count < 1:
            raise invalid(f"Value ({count}) for parameter InstanceCount is invalid. It must be at least 1.")
        return count

    def create_capacity_reservation(self):
        token = self._get_param("ClientToken")
        for r in reservations_of(self).values():
            if token and r.get("_token") == token:
                return ActionResult({"CapacityReservation": with_tags(self, {k: v for k, v in r.items() if k != "_token"})})
        platform = self._get_param("InstancePlatform")
        if platform not in platforms:
            raise invalid(f"Value ({platform}) for parameter InstancePlatform is invalid.")
        zone = self._get_param("AvailabilityZone")
        zones = [z.name for z in self.ec2_backend.describe_availability_zones()]
        if zone not in zones:
            raise invalid(f"Invalid availability zone: [{zone}]")
        tenancy = self._get_param("Tenancy") or "default"
        if tenancy not in ("default", "dedicated"):
            raise invalid(f"Value ({tenancy}) for parameter Tenancy is invalid.")
        criteria = self._get_param("InstanceMatchCriteria") or "open"
        if criteria not in ("open", "targeted"):
            raise invalid(f"Value ({criteria}) for parameter InstanceMatchCriteria is invalid.")
        end_type = self._get_param("EndDateType") or "unlimited"
        end = end_of(self, end_type)
        count = count_of(self)
        rid = "cr-" + secrets.token_hex(9)[:17]
        now = datetime.datetime.now(datetime.timezone.utc)
        r = {
            "CapacityReservationId": rid,
            "OwnerId": self.current_account,
            "CapacityReservationArn": f"arn:aws:ec2:{self.region}:{self.current_account}:capacity-reservation/{rid}",
            "InstanceType": self._get_param("InstanceType"),
            "InstancePlatform": platform,
            "AvailabilityZone": zone,
            "Tenancy": tenancy,
            "TotalInstanceCount": count,
            "AvailableInstanceCount": count,
            "EbsOptimized": str(self._get_param("EbsOptimized")).lower() == "true",
            "EphemeralStorage": str(self._get_param("EphemeralStorage")).lower() == "true",
            "State": "active",
            "StartDate": now,
            "EndDateType": end_type,
            "InstanceMatchCriteria": criteria,
            "CreateDate": now,
            "_token": token,
        }
        if end:
            r["EndDate"] = end
        for key in ("OutpostArn", "PlacementGroupArn"):
            if self._get_param(key):
                r[key] = self._get_param(key)
        reservations_of(self)[rid] = r
        tags = self._parse_tag_specification().get("capacity-reservation", {})
        if tags:
            self.ec2_backend.create_tags([rid], tags)
        answer = {k: v for k, v in with_tags(self, r).items() if k != "_token"}
        answer["State"] = "pending"
        return ActionResult({"CapacityReservation": answer})

    def describe_capacity_reservations(self):
        wanted = self._get_param("CapacityReservationIds", [])
        found = [reservation_of(self, i) for i in wanted] if wanted else list(reservations_of(self).values())
        found = [{k: v for k, v in with_tags(self, r).items() if k != "_token"} for r in found]
        fields = {"state": "State", "instance-type": "InstanceType"}
        found = filtered_by(found, self._filters_from_querystring(), fields)
        return ActionResult({"CapacityReservations": found})

    def active(self, rid):
        r = reservation_of(self, rid)
        if r["State"] != "active":
            raise invalid(f"Capacity reservation {rid} is in {r['State']} state", "IncorrectState")
        return r

    def modify_capacity_reservation(self):
        r = active(self, self._get_param("CapacityReservationId"))
        if self._get_param("InstanceCount") is not None:
            count = count_of(self)
            r["AvailableInstanceCount"] += count - r["TotalInstanceCount"]
            r["TotalInstanceCount"] = count
        if self._get_param("EndDateType") is not None:
            end_type = self._get_param("EndDateType")
            end = end_of(self, end_type)
            r["EndDateType"] = end_type
            r.pop("EndDate", None)
            if end:
                r["EndDate"] = end
        return ActionResult({"Return": True})

    def cancel_capacity_reservation(self):
        r = active(self, self._get_param("CapacityReservationId"))
        r["State"] = "cancelled"
        return ActionResult({"Return": True})

    VPCs.create_capacity_reservation = create_capacity_reservation
    VPCs.describe_capacity_reservations = describe_capacity_reservations
    VPCs.modify_capacity_reservation = modify_capacity_reservation
    VPCs.cancel_capacity_reservation = cancel_capacity_reservation


def patch_ec2_ipam():
    """Amazon VPC IP Address Manager (IPAM), which moto 5.2.5 lacks entirely (HTTP 500), as the
    EC2 API reference documents it.

    - CreateIpam (Description, OperatingRegions (the home Region when none), Tier `free` or
      `advanced` (the default), EnablePrivateGua, tags, ClientToken) makes the IPAM with its
      default public and private scopes and its default resource discovery (and association).
      DescribeIpams (an unknown id is InvalidIpamId.NotFound; filters `ipam-id`, `ipam-region`,
      `tag:<key>`, `tag-key`); ModifyIpam (Description, Add/RemoveOperatingRegions, Tier,
      EnablePrivateGua); DeleteIpam refuses an IPAM with pools or non-default scopes
      (DependencyViolation) unless Cascade, which deletes its pools (releasing their allocations,
      VPCs keep their CIDRs), then its scopes; Cascade is refused when a public-scope pool exists.
    - CreateIpamScope (private, not default), DescribeIpamScopes (InvalidIpamScopeId.NotFound;
      `ipam-scope-id`, `ipam-arn`, `ipam-scope-type`, `is-default`, tags), ModifyIpamScope
      (Description), DeleteIpamScope (a default scope is InvalidParameterValue, one with pools
      DependencyViolation).
    - CreateIpamPool: the scope exists; a Locale is one of the IPAM's operating Regions; the
      allocation netmask lengths fit the family (0-32, 0-128) with min <= default <= max; a source
      pool is in the same scope, family and locale (PoolDepth + 1); a pool without one reads
      Locale `None`, as AWS answers it; PubliclyAdvertisable only for
      ipv6 (InvalidParameterCombination). DescribeIpamPools (InvalidIpamPoolId.NotFound;
      `ipam-pool-id`, `ipam-scope-id`, `address-family`, `locale`, `state`, tags), ModifyIpamPool
      (Description, AutoImport, netmask lengths, ClearAllocationDefaultNetmaskLength, Add/Remove
      AllocationResourceTags), DeleteIpamPool: one with provisioned CIDRs, allocations or child
      pools is DependencyViolation unless Cascade, which deletes child pools, releases allocations
      and deprovisions CIDRs.
    - ProvisionIpamPoolCidr: a top-level pool takes a Cidr (a network address, not overlapping the
      scope's other top-level CIDRs), or, with PublicIpSource `amazon`, a NetmaskLength: the next
      free block of an Amazon-owned range (AWS's contiguous public IPv4 blocks); a pool with a
      source takes the Cidr or the next free block of
      NetmaskLength from it, as an allocation there (ResourceType `ipam-pool`). GetIpamPoolCidrs
      (`cidr`, `state`, `ipam-pool-cidr-id`). DeprovisionIpamPoolCidr answers pending-deprovision;
      as in AWS, a CIDR that still holds allocations then reads `failed-deprovision` ("The CIDR has
      one or more allocations.") and stays usable; an already deprovisioned one is IncorrectState.
      Deprovisioned CIDRs stay listed as AWS keeps them.
    - AllocateIpamPoolCidr: a Cidr, or the lowest free aligned block of NetmaskLength (default the
      pool's AllocationDefaultNetmaskLength) inside AllowedCidrs and outside DisallowedCidrs,
      within the pool's netmask range; no room is AWS's "InvalidParameterValue: The allocation size
      is too big for the pool."; PreviewNextCidr only answers the block. GetIpamPoolAllocations
      (InvalidIpamPoolAllocationId.NotFound; `cidr`, `resource-id`, `resource-type`,
      `ipam-pool-allocation-id`); ReleaseIpamPoolAllocation of custom allocations only.
    - CreateVpc and AssociateVpcCidrBlock with Ipv4IpamPoolId take Ipv4NetmaskLength (default the
      pool's) or the given CidrBlock from a pool whose Locale is the VPC's Region and whose
      AllocationResourceTags the VPC's tags carry; DeleteVpc and DisassociateVpcCidrBlock release it.
    States read `*-complete` after the `*-in-progress` answer. ARNs have no Region
    (arn:aws:ec2::ACCOUNT:ipam/ID). Tags are the EC2 tags of the ids (CreateTags, DeleteTags).
    """
    import ipaddress
    import secrets
    import moto.ec2.models as ec2_models
    from moto.core.responses import ActionResult
    from moto.ec2 import utils as ec2_utils
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models import ec2_backends
    from moto.ec2.models import tags as ec2_tags
    from moto.ec2.responses.vpcs import VPCs

    for kind in ("ipam", "ipam-scope", "ipam-pool"):
        ec2_utils.EC2_RESOURCE_TO_PREFIX[kind] = kind
        ec2_utils.EC2_PREFIX_TO_RESOURCE[kind] = kind
    valid_id = ec2_models.is_valid_resource_id
    ec2_models.is_valid_resource_id = lambda i: bool(re.match(r"ipam(-scope|-pool)?-[0-9a-f]{17}\Z", i)) or valid_id(i)
    prefix_of = ec2_tags.get_prefix
    ec2_tags.get_prefix = lambda i: next((k for k in ("ipam-scope", "ipam-pool") if i.startswith(k + "-")), None) or prefix_of(i)
    id_keys = {"ipams": "IpamId", "scopes": "IpamScopeId", "pools": "IpamPoolId"}
    AMAZON_IPV4 = "18.97.0.0/16"
    missing = {"ipams": ("InvalidIpamId.NotFound", "ipam"), "scopes": ("InvalidIpamScopeId.NotFound", "ipam-scope"),
               "pools": ("InvalidIpamPoolId.NotFound", "ipam-pool")}

    def invalid(message, code="InvalidParameterValue"):
        return EC2ClientError(code, message)

    def state_of(backend):
        if not hasattr(backend, "ipam_state"):
            backend.ipam_state = {"ipams": {}, "scopes": {}, "pools": {}}
        return backend.ipam_state

    def new_id(prefix, digits=17):
        return f"{prefix}-{secrets.token_hex(17)[:digits]}"

    def arn(self, kind, rid):
        return f"arn:aws:ec2::{self.current_account}:{kind}/{rid}"

    def find(self, kind, rid):
        item = state_of(self.ec2_backend)[kind].get(rid)
        if item is None:
            code, noun = missing[kind]
            raise invalid(f"The {noun} ID '{rid}' does not exist", code)
        return item

    def strip(item, **override):
        return {**{k: v for k, v in item.items() if not k.startswith("_")}, **override}

    def view(self, item, kind, **override):
        st, rid = state_of(self.ec2_backend), item[id_keys[kind]]
        extra = {"Tags": [{"Key": k, "Value": v} for k, v in self.ec2_backend.tags.get(rid, {}).items()]}
        if kind == "ipams":
            extra["ScopeCount"] = sum(s["_ipam"] == rid for s in st["scopes"].values())
        if kind == "scopes":
            extra["PoolCount"] = sum(p["_scope"] == rid for p in st["pools"].values())
        return strip({**item, **extra}, **override)

    def kept(self, rows, fields):
        """The answers of the rows that pass the request's Filters (fields: filter name -> key)."""
        padded = [{**dict.fromkeys(fields.values(), ""), "Tags": [],
                   **{k: str(v).lower() if isinstance(v, bool) else v for k, v in r.items()}} for r in rows]
        passed = {id(p) for p in filtered_by(padded, self._filters_from_querystring(), fields)}
        return [strip(r) for r, p in zip(rows, padded) if id(p) in passed]

    def describe(self, kind, ids_param, fields):
        wanted = self._get_param(ids_param, []) or []
        items = [find(self, kind, i) for i in wanted] or list(state_of(self.ec2_backend)[kind].values())
        return kept(self, [{**item, **view(self, item, kind)} for item in items], fields)

    def by_token(items, token):
        return next((i for i in items if token and i.get("_token") == token), None)

    def tag(self, rid, resource_type):
        tags = self._parse_tag_specification().get(resource_type, {})
        if tags:
            self.ec2_backend.create_tags([rid], tags)

    def forget(self, kind, rid):
        state_of(self.ec2_backend)[kind].pop(rid, None)
        self.ec2_backend.tags.pop(rid, None)

    def regions_of(param_list):
        return [r["RegionName"] for r in param_list or [] if r.get("RegionName")]

    def network(text, family):
        try:
            n = ipaddress.ip_network(str(text))
        except ValueError:
            raise invalid(f"The CIDR {text} is invalid.")
        if n.version != (4 if family == "ipv4" else 6):
            raise invalid(f"The CIDR {text} is not an {family} CIDR.")
        return n

    def live_cidrs(pool):
        return [c for c in pool["_cidrs"] if c["State"] in ("provisioned", "failed-deprovision")]

    def take(pool, cidr=None, netmask=None, disallowed=(), allowed=()):
        """The block an allocation in pool gets: cidr when it is free, else the lowest free aligned
        block of netmask (the pool's default when none) inside allowed and outside disallowed."""
        family, bits = pool["AddressFamily"], 32 if pool["AddressFamily"] == "ipv4" else 128
        wanted = network(cidr, family) if cidr else None
        length = wanted.prefixlen if wanted else netmask if netmask is not None else pool.get("AllocationDefaultNetmaskLength")
        if length is None:
            raise invalid("A CIDR or a netmask length is required: the pool has no AllocationDefaultNetmaskLength.")
        length, low, high = int(length), pool["AllocationMinNetmaskLength"], pool["AllocationMaxNetmaskLength"]
        if not low <= length <= high:
            raise invalid(f"The netmask length /{length} is outside the pool's allocation netmask range /{low} to /{high}.")
        ranges = sorted(ipaddress.ip_network(c["Cidr"]) for c in live_cidrs(pool))
        used = [ipaddress.ip_network(a["Cidr"]) for a in pool["_allocs"]]
        if wanted:
            if not any(wanted.subnet_of(r) for r in ranges):
                raise invalid(f"The CIDR {wanted} is not within a CIDR provisioned to {pool['IpamPoolId']}.")
            if any(wanted.overlaps(u) for u in used):
                raise invalid(f"The CIDR {wanted} overlaps an existing allocation in {pool['IpamPoolId']}.")
            return wanted
        if allowed:
            allowed = [network(a, family) for a in allowed]
            ranges = sorted({min(r, a, key=lambda n: n.num_addresses) for r in ranges for a in allowed if r.overlaps(a)})
        used += [network(d, family) for d in disallowed]
        size, cls = 1 << (bits - length), ipaddress.IPv4Network if family == "ipv4" else ipaddress.IPv6Network
        for r in ranges:
            start, end = int(r.network_address), int(r.broadcast_address)
            while r.prefixlen <= length and start + size - 1 <= end:
                hit = [u for u in used if int(u.network_address) < start + size and int(u.broadcast_address) >= start]
                if not hit:
                    return cls((start, length))
                start = -(-(max(int(u.broadcast_address) for u in hit) + 1) // size) * size
        raise invalid("The allocation size is too big for the pool.")

    def allocate(self, pool, n, resource_type, resource_id=None, region=None, description=None, token=None):
        a = {"Cidr": str(n), "IpamPoolAllocationId": new_id("ipam-pool-alloc", 33), "ResourceType": resource_type,
             "ResourceRegion": region or self.region, "ResourceOwner": self.current_account, "_token": token}
        a.update({k: v for k, v in (("ResourceId", resource_id), ("Description", description)) if v})
        pool["_allocs"].append(a)
        return a

    def release_in_source(st, pool, cidr):
        source = st["pools"].get(pool.get("SourceIpamPoolId"))
        if source:
            source["_allocs"] = [a for a in source["_allocs"] if not (
                a["ResourceType"] == "ipam-pool" and a.get("ResourceId") == pool["IpamPoolId"] and a["Cidr"] == cidr)]

    def drop_pool(self, pool):
        """Deletes pool with its child pools, allocations and CIDRs (Cascade)."""
        st, pid = state_of(self.ec2_backend), pool["IpamPoolId"]
        for child in [p for p in st["pools"].values() if p.get("SourceIpamPoolId") == pid]:
            drop_pool(self, child)
        for c in live_cidrs(pool):
            c["State"] = "deprovisioned"
            release_in_source(st, pool, c["Cidr"])
        pool["_allocs"] = []
        forget(self, "pools", pid)

    def check_netmasks(pool):
        bits = 32 if pool["AddressFamily"] == "ipv4" else 128
        low, high, default = (pool.get(f"Allocation{k}NetmaskLength") for k in ("Min", "Max", "Default"))
        for k, v in (("Min", low), ("Max", high), ("Default", default)):
            if v is not None and not 0 <= v <= bits:
                raise invalid(f"Value ({v}) for parameter Allocation{k}NetmaskLength is invalid. It must be between 0 and {bits}.")
        if low > high:
            raise invalid("AllocationMinNetmaskLength must be less than or equal to AllocationMaxNetmaskLength.")
        if default is not None and not low <= default <= high:
            raise invalid("AllocationDefaultNetmaskLength must be between AllocationMinNetmaskLength and AllocationMaxNetmaskLength.")

    def check_tier(tier):
        if tier not in ("free", "advanced"):
            raise invalid(f"Value ({tier}) for parameter Tier is invalid.")
        return tier

    def create_ipam(self):
        st = state_of(self.ec2_backend)
        done = by_token(st["ipams"].values(), self._get_param("ClientToken"))
        if done:
            return ActionResult({"Ipam": view(self, done, "ipams")})
        iid = new_id("ipam")
        ipam = {
            "OwnerId": self.current_account, "IpamId": iid, "IpamArn": arn(self, "ipam", iid), "IpamRegion": self.region,
            "OperatingRegions": [{"RegionName": r} for r in dict.fromkeys(regions_of(self._get_param("OperatingRegions")) or [self.region])],
            "DefaultResourceDiscoveryId": new_id("ipam-res-disco"),
            "DefaultResourceDiscoveryAssociationId": new_id("ipam-res-disco-assoc"),
            "ResourceDiscoveryAssociationCount": 1, "Tier": check_tier(self._get_param("Tier") or "advanced"),
            "EnablePrivateGua": bool(self._get_param("EnablePrivateGua")), "State": "create-complete",
            "_token": self._get_param("ClientToken"),
        }
        if self._get_param("Description") is not None:
            ipam["Description"] = self._get_param("Description")
        for scope_type in ("public", "private"):
            ipam[f"{scope_type.title()}DefaultScopeId"] = new_scope(self, ipam, scope_type, True)["IpamScopeId"]
        st["ipams"][iid] = ipam
        tag(self, iid, "ipam")
        return ActionResult({"Ipam": view(self, ipam, "ipams", State="create-in-progress")})

    def modify_ipam(self):
        ipam = find(self, "ipams", self._get_param("IpamId"))
        if self._get_param("Description") is not None:
            ipam["Description"] = self._get_param("Description")
        gone = set(regions_of(self._get_param("RemoveOperatingRegions")))
        regions = regions_of(ipam["OperatingRegions"]) + regions_of(self._get_param("AddOperatingRegions"))
        ipam["OperatingRegions"] = [{"RegionName": r} for r in dict.fromkeys(regions) if r not in gone]
        if self._get_param("Tier") is not None:
            ipam["Tier"] = check_tier(self._get_param("Tier"))
        if self._get_param("EnablePrivateGua") is not None:
            ipam["EnablePrivateGua"] = bool(self._get_param("EnablePrivateGua"))
        ipam["State"] = "modify-complete"
        return ActionResult({"Ipam": view(self, ipam, "ipams", State="modify-in-progress")})

    def delete_ipam(self):
        st = state_of(self.ec2_backend)
        ipam = find(self, "ipams", self._get_param("IpamId"))
        iid = ipam["IpamId"]
        scopes = [s for s in st["scopes"].values() if s["_ipam"] == iid]
        pools = [p for p in st["pools"].values() if p["_ipam"] == iid]
        if not self._get_param("Cascade") and (pools or not all(s["IsDefault"] for s in scopes)):
            raise invalid(f"The specified action is not valid for {iid}. The IPAM has one or more pools or non-default scopes.", "DependencyViolation")
        if any(p["IpamScopeType"] == "public" for p in pools):
            raise invalid(f"The specified action is not valid for {iid}. There are one or more pools in the public scope.", "DependencyViolation")
        answer = view(self, ipam, "ipams", State="delete-in-progress")
        for pool in pools:
            if pool["IpamPoolId"] in st["pools"]:
                drop_pool(self, pool)
        for s in scopes:
            forget(self, "scopes", s["IpamScopeId"])
        forget(self, "ipams", iid)
        return ActionResult({"Ipam": answer})

    def new_scope(self, ipam, scope_type, is_default, description=None, token=None):
        sid = new_id("ipam-scope")
        scope = {
            "OwnerId": self.current_account, "IpamScopeId": sid, "IpamScopeArn": arn(self, "ipam-scope", sid),
            "IpamArn": ipam["IpamArn"], "IpamRegion": ipam["IpamRegion"], "IpamScopeType": scope_type,
            "IsDefault": is_default, "State": "create-complete", "_ipam": ipam["IpamId"], "_token": token,
        }
        if description is not None:
            scope["Description"] = description
        state_of(self.ec2_backend)["scopes"][sid] = scope
        return scope

    def create_ipam_scope(self):
        st = state_of(self.ec2_backend)
        scope = by_token(st["scopes"].values(), self._get_param("ClientToken"))
        if not scope:
            ipam = find(self, "ipams", self._get_param("IpamId"))
            scope = new_scope(self, ipam, "private", False, self._get_param("Description"), self._get_param("ClientToken"))
            tag(self, scope["IpamScopeId"], "ipam-scope")
            return ActionResult({"IpamScope": view(self, scope, "scopes", State="create-in-progress")})
        return ActionResult({"IpamScope": view(self, scope, "scopes")})

    def modify_ipam_scope(self):
        scope = find(self, "scopes", self._get_param("IpamScopeId"))
        if self._get_param("Description") is not None:
            scope["Description"] = self._get_param("Description")
        scope["State"] = "modify-complete"
        return ActionResult({"IpamScope": view(self, scope, "scopes", State="modify-in-progress")})

    def delete_ipam_scope(self):
        scope = find(self, "scopes", self._get_param("IpamScopeId"))
        sid = scope["IpamScopeId"]
        if scope["IsDefault"]:
            raise invalid(f"The default scope {sid} cannot be deleted; it is deleted with its IPAM.")
        if any(p["_scope"] == sid for p in state_of(self.ec2_backend)["pools"].values()):
            raise invalid(f"The specified action is not valid for {sid}. There are one or more pools in the scope.", "DependencyViolation")
        answer = view(self, scope, "scopes", State="delete-in-progress")
        forget(self, "scopes", sid)
        return ActionResult({"IpamScope": answer})

    def create_ipam_pool(self):
        st = state_of(self.ec2_backend)
        done = by_token(st["pools"].values(), self._get_param("ClientToken"))
        if done:
            return ActionResult({"IpamPool": view(self, done, "pools")})
        scope = find(self, "scopes", self._get_param("IpamScopeId"))
        ipam = st["ipams"][scope["_ipam"]]
        family, locale = self._get_param("AddressFamily"), self._get_param("Locale")
        if family not in ("ipv4", "ipv6"):
            raise invalid(f"Value ({family}) for parameter AddressFamily is invalid.")
        if locale and locale not in regions_of(ipam["OperatingRegions"]):
            raise invalid(f"The locale {locale} is not one of the operating Regions of {ipam['IpamId']}.")
        pid, depth, source = new_id("ipam-pool"), 1, None
        if self._get_param("SourceIpamPoolId"):
            source = find(self, "pools", self._get_param("SourceIpamPoolId"))
            if source["_scope"] != scope["IpamScopeId"] or source["AddressFamily"] != family:
                raise invalid("The source pool must be in the same scope and have the same address family as the pool.")
            if source["Locale"] != "None" and source["Locale"] != (locale or "None"):
                raise invalid(f"The pool's locale must be the locale of its source pool ({source['Locale']}).")
            depth = source["PoolDepth"] + 1
        advertisable = self._get_param("PubliclyAdvertisable")
        if advertisable is not None and family != "ipv6":
            raise invalid("PubliclyAdvertisable can only be specified for ipv6 pools.", "InvalidParameterCombination")
        if self._get_param("AwsService") not in (None, "ec2"):
            raise invalid(f"Value ({self._get_param('AwsService')}) for parameter AwsService is invalid.")
        if self._get_param("PublicIpSource") not in (None, "amazon", "byoip"):
            raise invalid(f"Value ({self._get_param('PublicIpSource')}) for parameter PublicIpSource is invalid.")
        pool = {
            "OwnerId": self.current_account, "IpamPoolId": pid, "IpamPoolArn": arn(self, "ipam-pool", pid),
            "IpamScopeArn": scope["IpamScopeArn"], "IpamScopeType": scope["IpamScopeType"], "IpamArn": ipam["IpamArn"],
            "IpamRegion": ipam["IpamRegion"], "PoolDepth": depth, "State": "create-complete",
            "AutoImport": bool(self._get_param("AutoImport")), "AddressFamily": family,
            "AllocationMinNetmaskLength": self._get_param("AllocationMinNetmaskLength", 0),
            "AllocationMaxNetmaskLength": self._get_param("AllocationMaxNetmaskLength", 32 if family == "ipv4" else 128),
            "AllocationResourceTags": [{"Key": t["Key"], "Value": t.get("Value", "")} for t in self._get_param("AllocationResourceTags", []) or []],
            "_scope": scope["IpamScopeId"], "_ipam": ipam["IpamId"],
            "_token": self._get_param("ClientToken"), "_cidrs": [], "_allocs": [],
        }
        optional = {
            "Locale": locale or "None", "Description": self._get_param("Description"), "SourceIpamPoolId": source and source["IpamPoolId"],
            "AllocationDefaultNetmaskLength": self._get_param("AllocationDefaultNetmaskLength"),
            "PubliclyAdvertisable": bool(advertisable) if family == "ipv6" else None,
            "AwsService": self._get_param("AwsService"), "PublicIpSource": self._get_param("PublicIpSource"),
        }
        pool.update({k: v for k, v in optional.items() if v is not None})
        check_netmasks(pool)
        st["pools"][pid] = pool
        tag(self, pid, "ipam-pool")
        return ActionResult({"IpamPool": view(self, pool, "pools", State="create-in-progress")})

    def modify_ipam_pool(self):
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        changed = dict(pool)
        for key in ("Description", "AllocationMinNetmaskLength", "AllocationMaxNetmaskLength", "AllocationDefaultNetmaskLength"):
            if self._get_param(key) is not None:
                changed[key] = self._get_param(key)
        if self._get_param("AutoImport") is not None:
            changed["AutoImport"] = bool(self._get_param("AutoImport"))
        if self._get_param("ClearAllocationDefaultNetmaskLength"):
            changed.pop("AllocationDefaultNetmaskLength", None)
        removed = {t["Key"] for t in self._get_param("RemoveAllocationResourceTags", []) or []}
        added = {t["Key"]: t.get("Value", "") for t in self._get_param("AddAllocationResourceTags", []) or []}
        tags = {t["Key"]: t["Value"] for t in pool["AllocationResourceTags"] if t["Key"] not in removed}
        changed["AllocationResourceTags"] = [{"Key": k, "Value": v} for k, v in {**tags, **added}.items()]
        check_netmasks(changed)
        pool.clear()
        pool.update(changed, State="modify-complete")
        return ActionResult({"IpamPool": view(self, pool, "pools", State="modify-in-progress")})

    def delete_ipam_pool(self):
        st = state_of(self.ec2_backend)
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        pid = pool["IpamPoolId"]
        if not self._get_param("Cascade"):
            if live_cidrs(pool):
                raise invalid(f"The specified action is not valid for {pid}. There are one or more pool cidrs provisioned in the pool.", "DependencyViolation")
            if pool["_allocs"] or any(p.get("SourceIpamPoolId") == pid for p in st["pools"].values()):
                raise invalid(f"The specified action is not valid for {pid}. There are one or more allocations or pools in the pool.", "DependencyViolation")
        elif pool["IpamScopeType"] == "public":
            raise invalid("Cascade can only delete pools in a private scope.")
        answer = view(self, pool, "pools", State="delete-in-progress")
        drop_pool(self, pool)
        return ActionResult({"IpamPool": answer})

    def provision_ipam_pool_cidr(self):
        st = state_of(self.ec2_backend)
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        token, cidr, netmask = self._get_param("ClientToken"), self._get_param("Cidr"), self._get_param("NetmaskLength")
        entry = by_token(pool["_cidrs"], token)
        if entry:
            return ActionResult({"IpamPoolCidr": strip(entry)})
        source = st["pools"].get(pool.get("SourceIpamPoolId"))
        if source:
            if not cidr and netmask is None:
                raise invalid("Either Cidr or NetmaskLength is required.", "MissingParameter")
            n = take(source, cidr, netmask)
            allocate(self, source, n, "ipam-pool", pool["IpamPoolId"], pool["IpamRegion"])
        elif not cidr and netmask is not None and pool.get("PublicIpSource") == "amazon":
            # An Amazon-provided contiguous public IPv4 block: the next one free in a range
            # standing in for Amazon's (AWS picks it; the pool gets the netmask asked for).
            held = [{"Cidr": c["Cidr"]} for p in st["pools"].values() if p.get("PublicIpSource") == "amazon" for c in live_cidrs(p)]
            amazon = {"AddressFamily": "ipv4", "AllocationMinNetmaskLength": 0, "AllocationMaxNetmaskLength": 32,
                      "IpamPoolId": "amazon", "_cidrs": [{"Cidr": AMAZON_IPV4, "State": "provisioned"}], "_allocs": held}
            n = take(amazon, None, netmask)
        else:
            if not cidr:
                raise invalid(f"A Cidr is required to provision {pool['IpamPoolId']}: it has no source pool.", "MissingParameter")
            n = network(cidr, pool["AddressFamily"])
            tops = [p for p in st["pools"].values() if p["_scope"] == pool["_scope"] and not p.get("SourceIpamPoolId")]
            if any(n.overlaps(ipaddress.ip_network(c["Cidr"])) for p in tops for c in live_cidrs(p) if p["AddressFamily"] == pool["AddressFamily"]):
                raise invalid(f"The CIDR {n} overlaps a CIDR already provisioned in the scope.")
        entry = {"Cidr": str(n), "IpamPoolCidrId": new_id("ipam-pool-cidr", 33), "NetmaskLength": n.prefixlen,
                 "State": "provisioned", "_token": token}
        pool["_cidrs"].append(entry)
        return ActionResult({"IpamPoolCidr": strip(entry, State="pending-provision")})

    def deprovision_ipam_pool_cidr(self):
        st = state_of(self.ec2_backend)
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        cidr = self._get_param("Cidr")
        entry = next((c for c in reversed(pool["_cidrs"]) if c["Cidr"] == cidr), None)
        if entry is None:
            raise invalid(f"The CIDR {cidr} is not provisioned to {pool['IpamPoolId']}.")
        if entry["State"] == "deprovisioned":
            raise invalid(f"The CIDR {cidr} of {pool['IpamPoolId']} is in state deprovisioned.", "IncorrectState")
        n = ipaddress.ip_network(cidr)
        if any(n.overlaps(ipaddress.ip_network(a["Cidr"])) for a in pool["_allocs"]):
            entry.update(State="failed-deprovision", FailureReason={"Message": "The CIDR has one or more allocations."})
        else:
            entry.pop("FailureReason", None)
            entry["State"] = "deprovisioned"
            release_in_source(st, pool, cidr)
        return ActionResult({"IpamPoolCidr": strip(entry, State="pending-deprovision")})

    def get_ipam_pool_cidrs(self):
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        fields = {"cidr": "Cidr", "state": "State", "ipam-pool-cidr-id": "IpamPoolCidrId"}
        return ActionResult({"IpamPoolCidrs": kept(self, pool["_cidrs"], fields)})

    def allocate_ipam_pool_cidr(self):
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        token = self._get_param("ClientToken")
        done = by_token(pool["_allocs"], token)
        if done:
            return ActionResult({"IpamPoolAllocation": strip(done)})
        n = take(pool, self._get_param("Cidr"), self._get_param("NetmaskLength"),
                 self._get_param("DisallowedCidrs", []) or [], self._get_param("AllowedCidrs", []) or [])
        description = self._get_param("Description")
        if self._get_param("PreviewNextCidr"):
            preview = {"Cidr": str(n), "ResourceType": "custom", "ResourceOwner": self.current_account}
            return ActionResult({"IpamPoolAllocation": {**preview, **({"Description": description} if description else {})}})
        a = allocate(self, pool, n, "custom", description=description, token=token)
        return ActionResult({"IpamPoolAllocation": strip(a)})

    def get_ipam_pool_allocations(self):
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        rows = pool["_allocs"]
        aid = self._get_param("IpamPoolAllocationId")
        if aid:
            rows = [a for a in rows if a["IpamPoolAllocationId"] == aid]
            if not rows:
                raise invalid(f"The IPAM pool allocation ({aid}) does not exist.", "InvalidIpamPoolAllocationId.NotFound")
        fields = {"cidr": "Cidr", "resource-id": "ResourceId", "resource-type": "ResourceType",
                  "resource-owner": "ResourceOwner", "ipam-pool-allocation-id": "IpamPoolAllocationId"}
        return ActionResult({"IpamPoolAllocations": kept(self, rows, fields)})

    def release_ipam_pool_allocation(self):
        pool = find(self, "pools", self._get_param("IpamPoolId"))
        aid, cidr = self._get_param("IpamPoolAllocationId"), self._get_param("Cidr")
        a = next((a for a in pool["_allocs"] if a["IpamPoolAllocationId"] == aid), None)
        if a is None:
            raise invalid(f"The IPAM pool allocation ({aid}) does not exist.", "InvalidIpamPoolAllocationId.NotFound")
        if cidr != a["Cidr"]:
            raise invalid(f"The CIDR {cidr} is not the CIDR of allocation {aid} ({a['Cidr']}).")
        if a["ResourceType"] != "custom":
            raise invalid(f"Allocation {aid} belongs to {a['ResourceType']} {a.get('ResourceId')}: only custom allocations can be released.")
        pool["_allocs"].remove(a)
        return ActionResult({"Success": True})

    def pools_everywhere(self):
        return [p for b in list(ec2_backends[self.current_account].values()) for p in state_of(b)["pools"].values()]

    def from_pool(self, original, vpc_id_of, tags):
        """Runs the CreateVpc/AssociateVpcCidrBlock original with the CidrBlock the request's
        Ipv4IpamPoolId gives (for a VPC with tags), then records the VPC's allocation."""
        pid = self._get_param("Ipv4IpamPoolId")
        pool = next((p for p in pools_everywhere(self) if p["IpamPoolId"] == pid), None)
        if pool is None:
            raise invalid(f"The ipam-pool ID '{pid}' does not exist", "InvalidIpamPoolId.NotFound")
        if pool["AddressFamily"] != "ipv4":
            raise invalid(f"{pid} is not an ipv4 pool.")
        if pool.get("Locale") != self.region:
            raise invalid(f"The locale of {pid} ({pool.get('Locale', 'None')}) is not the Region of the VPC ({self.region}).")
        lacking = [t["Key"] for t in pool["AllocationResourceTags"] if tags.get(t["Key"]) != t["Value"]]
        if lacking:
            raise invalid(f"The VPC lacks the tags {pid} requires of its resources: {', '.join(lacking)}.")
        n = take(pool, self._get_param("CidrBlock"), self._get_param("Ipv4NetmaskLength"))
        self.params["CidrBlock"] = str(n)
        result = original(self)
        allocate(self, pool, n, "vpc", vpc_id_of(result.result))
        return result

    VPCs_create_vpc, VPCs_delete_vpc = VPCs.create_vpc, VPCs.delete_vpc
    VPCs_associate, VPCs_disassociate = VPCs.associate_vpc_cidr_block, VPCs.disassociate_vpc_cidr_block

    def release_vpc(self, vpc_id, cidr=None):
        for pool in pools_everywhere(self):
            pool["_allocs"] = [a for a in pool["_allocs"] if not (
                a["ResourceType"] == "vpc" and a.get("ResourceId") == vpc_id and cidr in (None, a["Cidr"]))]

    def create_vpc(self):
        if not self._get_param("Ipv4IpamPoolId"):
            return VPCs_create_vpc(self)
        tags = self._parse_tag_specification().get("vpc", {})
        return from_pool(self, VPCs_create_vpc, lambda r: r["Vpc"].id, tags)

    def associate_vpc_cidr_block(self):
        if not self._get_param("Ipv4IpamPoolId"):
            return VPCs_associate(self)
        tags = self.ec2_backend.tags.get(self._get_param("VpcId"), {})
        return from_pool(self, VPCs_associate, lambda r: r["VpcId"], tags)

    def delete_vpc(self):
        result = VPCs_delete_vpc(self)
        release_vpc(self, self._get_param("VpcId"))
        return result

    def disassociate_vpc_cidr_block(self):
        result = VPCs_disassociate(self)
        cidr = result.result.get("CidrBlockAssociation", {}).get("CidrBlock")
        if cidr:
            release_vpc(self, result.result.get("VpcId"), cidr)
        return result

    VPCs.create_vpc, VPCs.delete_vpc = create_vpc, delete_vpc
    VPCs.associate_vpc_cidr_block, VPCs.disassociate_vpc_cidr_block = associate_vpc_cidr_block, disassociate_vpc_cidr_block
    VPCs.create_ipam, VPCs.modify_ipam, VPCs.delete_ipam = create_ipam, modify_ipam, delete_ipam
    VPCs.describe_ipams = lambda self: ActionResult({"Ipams": describe(
        self, "ipams", "IpamIds", {"ipam-id": "IpamId", "ipam-region": "IpamRegion"})})
    VPCs.create_ipam_scope, VPCs.modify_ipam_scope, VPCs.delete_ipam_scope = create_ipam_scope, modify_ipam_scope, delete_ipam_scope
    VPCs.describe_ipam_scopes = lambda self: ActionResult({"IpamScopes": describe(self, "scopes", "IpamScopeIds", {
        "ipam-scope-id": "IpamScopeId", "ipam-arn": "IpamArn", "ipam-scope-type": "IpamScopeType", "is-default": "IsDefault"})})
    VPCs.create_ipam_pool, VPCs.modify_ipam_pool, VPCs.delete_ipam_pool = create_ipam_pool, modify_ipam_pool, delete_ipam_pool
    VPCs.describe_ipam_pools = lambda self: ActionResult({"IpamPools": describe(self, "pools", "IpamPoolIds", {
        "ipam-pool-id": "IpamPoolId", "ipam-scope-arn": "IpamScopeArn", "address-family": "AddressFamily",
        "locale": "Locale", "state": "State", "ipam-scope-id": "_scope"})})
    VPCs.provision_ipam_pool_cidr, VPCs.deprovision_ipam_pool_cidr = provision_ipam_pool_cidr, deprovision_ipam_pool_cidr
    VPCs.get_ipam_pool_cidrs = get_ipam_pool_cidrs
    VPCs.allocate_ipam_pool_cidr, VPCs.release_ipam_pool_allocation = allocate_ipam_pool_cidr, release_ipam_pool_allocation
    VPCs.get_ipam_pool_allocations = get_ipam_pool_allocations


def elbv2_listener(backend, arn):
    """The listener with this ARN (moto raises ListenerNotFound when there is none)."""
    return backend.describe_listeners(load_balancer_arn=None, listener_arns=[arn])[0]


def patch_elbv2_authentication_defaults():
    """ELBv2 authentication actions as AWS documents them (Elastic Load Balancing API reference,
    AuthenticateOidcActionConfig and AuthenticateCognitoActionConfig): a setting left out takes
    AWS's default (OnUnauthenticatedRequest `authenticate`, Scope `openid`, SessionCookieName
    `AWSELBAuthSessionCookie`, SessionTimeout 604800 seconds), and an OIDC client secret is never
    answered back. moto 5.2.5 echoed the request: no defaults, and the secret in every describe.
    """
    from moto.elbv2 import models

    defaults = {"OnUnauthenticatedRequest": "authenticate", "Scope": "openid",
                "SessionCookieName": "AWSELBAuthSessionCookie", "SessionTimeout": 604800}
    original = models.FakeAction.__init__

    def init(self, data):
        for key in ("AuthenticateOidcConfig", "AuthenticateCognitoConfig"):
            if isinstance(data.get(key), dict):
                data[key] = {**defaults, **{k: v for k, v in data[key].items() if k != "ClientSecret"}}
        original(self, data)

    models.FakeAction.__init__ = init


def patch_elbv2_listener_attributes():
    """ELBv2 listener attributes as the Elastic Load Balancing API reference (ListenerAttribute)
    and the Application Load Balancer guide (HTTP header modification) document them.

    - Which keys a listener has depends on its protocol: `tcp.idle_timeout.seconds` (default
      350) on TCP listeners of Network Load Balancers and GENEVE listeners of Gateway Load
      Balancers; the `routing.http.response.*` header values (default empty, and
      `routing.http.response.server.enabled` default `true`) on HTTP and HTTPS listeners; the
      `routing.http.request.x_amzn_*` header names on HTTPS listeners only, answered with the
      header's documented default name until renamed (a judgement: the guide names the
      defaults, no captured answer was found). moto 5.2.5 gave every listener
      `tcp.idle_timeout.seconds` 350 and nothing else, and stored any key.
    - ModifyListenerAttributes refuses a key the listener's protocol does not take, and an idle
      timeout outside 60-6000 seconds, with ValidationError (moto stored both); a listener
      whose protocol changes answers the keys of its new protocol, keeping values set before.
    - ModifyListener takes AlpnPolicy, as it does in AWS (for TLS listeners); moto 5.2.5 took it
      only at CreateListener and dropped it from ModifyListener.
    """
    from moto.elbv2 import models
    from moto.elbv2.exceptions import ValidationError
    from moto.elbv2.responses import ELBV2Response

    original_modify_listener = ELBV2Response.modify_listener

    def modify_listener(self):
        alpn = self._get_params().get("AlpnPolicy", [])
        out = original_modify_listener(self)
        if alpn:
            arn = self._get_param("ListenerArn")
            listener = elbv2_listener(self.elbv2_backend, arn)
            listener.alpn_policy = alpn
        return out

    ELBV2Response.modify_listener = modify_listener

    request_names = {
        "x_amzn_mtls_clientcert_serial_number": "X-Amzn-Mtls-Clientcert-Serial-Number",
        "x_amzn_mtls_clientcert_issuer": "X-Amzn-Mtls-Clientcert-Issuer",
        "x_amzn_mtls_clientcert_subject": "X-Amzn-Mtls-Clientcert-Subject",
        "x_amzn_mtls_clientcert_validity": "X-Amzn-Mtls-Clientcert-Validity",
        "x_amzn_mtls_clientcert_leaf": "X-Amzn-Mtls-Clientcert-Leaf",
        "x_amzn_mtls_clientcert": "X-Amzn-Mtls-Clientcert",
        "x_amzn_tls_version": "X-Amzn-Tls-Version",
        "x_amzn_tls_cipher_suite": "X-Amzn-Tls-Cipher-Suite",
    }
    response = {f"routing.http.response.{h}.header_value": "" for h in (
        "strict_transport_security", "access_control_allow_origin",
        "access_control_allow_methods", "access_control_allow_headers",
        "access_control_allow_credentials", "access_control_expose_headers",
        "access_control_max_age", "content_security_policy", "x_content_type_options",
        "x_frame_options")}
    response["routing.http.response.server.enabled"] = "true"
    https = {**response, **{f"routing.http.request.{k}.header_name": v for k, v in request_names.items()}}
    tcp = {"tcp.idle_timeout.seconds": "350"}
    by_protocol = {"HTTP": response, "HTTPS": https, "TCP": tcp, "GENEVE": tcp}

    def defaults(listener):
        protocol = listener.protocol or ("GENEVE" if "/gwy/" in listener.load_balancer_arn else "")
        return by_protocol.get(protocol, {})

    def described(listener):
        own = defaults(listener)
        set_before = getattr(listener, "attributes_set", {})
        return {k: set_before.get(k, v) for k, v in own.items()}

    def describe_listener_attributes(self, listener_arn):
        listener = elbv2_listener(self, listener_arn)
        return described(listener)

    def modify_listener_attributes(self, listener_arn, attrs):
        listener = elbv2_listener(self, listener_arn)
        own = defaults(listener)
        for a in attrs:
            key, value = a.get("Key"), a.get("Value")
            if key not in own:
                raise ValidationError(
                    f"Attribute key '{key}' is not supported for listeners with protocol "
                    f"'{listener.protocol}'")
            if key == "tcp.idle_timeout.seconds" and not (
                    str(value).isdigit() and 60 <= int(value) <= 6000):
                raise ValidationError(
                    f"The value of '{key}' must be an integer between 60 and 6000")
        if not hasattr(listener, "attributes_set"):
            listener.attributes_set = {}
        listener.attributes_set.update({a["Key"]: a["Value"] for a in attrs})
        return described(listener)

    models.ELBv2Backend.describe_listener_attributes = describe_listener_attributes
    models.ELBv2Backend.modify_listener_attributes = modify_listener_attributes


def patch_elbv2_load_balancer_arns():
    """A load balancer's ARN names its type, as AWS makes them (Elastic Load Balancing guides,
    ARN formats): `loadbalancer/app/` for application, `loadbalancer/net/` for network and
    `loadbalancer/gwy/` for gateway load balancers, and its listeners' ARNs follow
    (`listener/net/...`). moto 5.2.5 gave every type `loadbalancer/app/`, so a client telling
    the types apart by ARN (the AWS provider does, for gateway listeners) saw only ALBs.
    - A subnet mapping's Elastic IP, private IPv4 address or IPv6 address is answered in its
      zone's LoadBalancerAddresses (with the Elastic IP's address as IpAddress), as
      DescribeLoadBalancers documents; moto 5.2.5 kept only the subnet.
    """
    from moto.elbv2 import models

    original = models.ELBv2Backend.create_load_balancer

    def create_load_balancer(self, *args, **kwargs):
        lb = original(self, *args, **kwargs)
        lb.subnet_addresses = {}
        for m in kwargs.get("subnet_mappings") or []:
            address = {}
            if m.get("AllocationId"):
                address["AllocationId"] = m["AllocationId"]
                eip = next((a for a in self.ec2_backend.addresses if a.allocation_id == m["AllocationId"]), None)
                if eip is not None:
                    address["IpAddress"] = eip.public_ip
            if m.get("PrivateIPv4Address"):
                address["PrivateIPv4Address"] = m["PrivateIPv4Address"]
            if m.get("IPv6Address"):
                address["IPv6Address"] = m["IPv6Address"]
            if address:
                lb.subnet_addresses[m["SubnetId"]] = address
        kind = {"network": "net", "gateway": "gwy"}.get(lb.type)
        if kind:
            old = lb.arn
            new = old.replace(":loadbalancer/app/", f":loadbalancer/{kind}/")
            tags = self.tagging_service.get_tag_dict_for_resource(old)
            self.tagging_service.delete_all_tags_for_resource(old)
            self.load_balancers.pop(old, None)
            lb.arn = new
            self.load_balancers[new] = lb
            if tags:
                self.tagging_service.tag_resource(new, [{"Key": k, "Value": v} for k, v in tags.items()])
        return lb

    models.ELBv2Backend.create_load_balancer = create_load_balancer

    def availability_zones(self):
        zones = []
        for subnet in self.subnets:
            zone = models.AvailabilityZone(subnet)
            address = getattr(self, "subnet_addresses", {}).get(subnet.id)
            if address:
                zone.load_balancer_addresses = [address]
            zones.append(zone)
        return zones

    models.FakeLoadBalancer.availability_zones = property(availability_zones)


def patch_elbv2_trust_stores():
    """ELBv2 trust stores and listener mutual TLS, as the Elastic Load Balancing API reference
    (CreateTrustStore, ModifyTrustStore, DescribeTrustStores, DeleteTrustStore, the
    TrustStoreRevocation actions, MutualAuthenticationAttributes) and the Application Load
    Balancer guide (Mutual authentication with TLS) document them. moto 5.2.5 had none of the
    trust store actions (each answered an error) and dropped a listener's MutualAuthentication.

    - CreateTrustStore reads the CA bundle from S3 (CaCertificatesBundleS3Bucket, ...S3Key, the
      optional ...S3ObjectVersion): a missing bucket or object answers
      CaCertificatesBundleNotFound, an object holding no PEM certificate
      InvalidCaCertificatesBundle, a name in use DuplicateTrustStoreName (a name not matching
      the model's pattern, ValidationError). The store is ACTIVE at once, its ARN
      `truststore/<name>/<16 hex>`, NumberOfCaCertificates the PEM certificates in the bundle;
      its Tags work with AddTags/RemoveTags/DescribeTags (TrustStoreNotFound for an unknown
      trust store ARN). ModifyTrustStore reads a new bundle the same way. DescribeTrustStores
      answers all, or those given by TrustStoreArns/Names (TrustStoreNotFound if one is
      missing); paging is not done (every store in one page).
    - AddTrustStoreRevocations reads each file from S3 (RevocationContentNotFound if missing);
      one that is not a PEM CRL answers InvalidRevocationContent; NumberOfRevokedEntries counts
      the CRL's revoked certificates (0 if the cryptography package is absent) and the store's
      TotalRevokedEntries sums its files. Revocation ids count from 1 within each trust store (a
      judgement: AWS documents only that they are numbers). DescribeTrustStoreRevocations,
      RemoveTrustStoreRevocations and GetTrustStoreRevocationContent answer
      RevocationIdNotFound for an unknown id.
    - GetTrustStoreCaCertificatesBundle and GetTrustStoreRevocationContent answer, as AWS does,
      a pre-signed S3 URL valid for ten minutes as Location; here it is a path-style URL of the
      object read, on this emulator (with its versionId when the bucket is versioned), so a
      client can fetch it while the object exists (a judgement: AWS signs a URL of its own copy).
    - DeleteTrustStore answers TrustStoreInUse while a listener verifies clients with it, and
      drops its revocations and tags. DescribeTrustStoreAssociations lists those listeners.
      DeleteSharedTrustStoreAssociation: every association here is in the trust store's own
      account, so it answers DeleteAssociationSameAccount (AssociationNotFound without one).
    - CreateListener and ModifyListener take MutualAuthentication: Mode off, passthrough or
      verify (else ValidationError); a mode other than off only on HTTPS listeners
      (ValidationError); verify needs the TrustStoreArn of an existing trust store
      (ValidationError without one, TrustStoreNotFound for an unknown one). Listeners answer it:
      verify with TrustStoreArn, IgnoreClientCertificateExpiry (default false),
      AdvertiseTrustStoreCaNames (default off) and TrustStoreAssociationStatus active; other
      modes Mode alone; an HTTPS listener created without it {Mode: off}. ModifyListener
      without it keeps the listener's; a listener changed away from HTTPS loses a passthrough or
      verify setting (a judgement, as are the ValidationError messages: no captured answer).
    """
    import botocore.session
    from botocore.config import Config

    from moto.core.responses import ActionResult, EmptyResult
    from moto.elbv2 import models
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.responses import ELBV2Response
    from moto.moto_api._internal import mock_random
    from moto.s3.models import s3_backends

    try:
        from cryptography import x509
    except ImportError:
        x509 = None

    pem_certificate = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)

    def not_found():
        return RESTError("TrustStoreNotFound", "One or more trust stores not found")

    def revocation_not_found():
        return RESTError("RevocationIdNotFound", "One or more revocation IDs not found")

    def stores_of(backend):
        if not hasattr(backend, "trust_stores"):
            backend.trust_stores = {}
        return backend.trust_stores

    def store_of(backend, arn):
        store = stores_of(backend).get(arn)
        if store is None:
            raise not_found()
        return store

    def read_s3(backend, bucket, key, version):
        try:
            return s3_backends[backend.account_id][backend.partition].get_object(
                bucket, key, version_id=version or None)
        except Exception:
            return None

    def pinned(version, obj):
        version = version or getattr(obj, "version_id", None)
        return None if version in (None, "", "null") else str(version)

    def read_bundle(backend, bucket, key, version):
        obj = read_s3(backend, bucket, key, version)
        if obj is None:
            raise RESTError("CaCertificatesBundleNotFound", "The specified ca certificate bundle does not exist.")
        count = len(pem_certificate.findall(obj.value))
        if not count:
            raise RESTError(
                "InvalidCaCertificatesBundle",
                "The specified ca certificate bundle is in an invalid format, or corrupt.")
        return {"bucket": bucket, "key": key, "version": pinned(version, obj), "count": count}

    def revoked_entries(data):
        invalid = RESTError(
            "InvalidRevocationContent",
            "The provided revocation file is an invalid format, or uses an incorrect algorithm.")
        if x509 is None:
            if b"-----BEGIN X509 CRL-----" not in data:
                raise invalid
            return 0
        try:
            return len(list(x509.load_pem_x509_crl(data)))
        except Exception:
            raise invalid

    def location(self, bucket, key, version):
        # A pre-signed path-style URL on this emulator (its S3 refuses unsigned reads).
        s3 = botocore.session.get_session().create_client(
            "s3", region_name=self.region, endpoint_url=f"http://{self.headers.get('Host') or '127.0.0.1'}",
            aws_access_key_id=self.get_access_key(), aws_secret_access_key="emulator",
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
        params = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}
        return s3.generate_presigned_url("get_object", Params=params, ExpiresIn=600)

    def view(store):
        return {
            "Name": store["Name"],
            "TrustStoreArn": store["TrustStoreArn"],
            "Status": "ACTIVE",
            "NumberOfCaCertificates": store["bundle"]["count"],
            "TotalRevokedEntries": sum(r["NumberOfRevokedEntries"] for r in store["revocations"].values()),
        }

    def revocation_view(r):
        return {k: r[k] for k in ("TrustStoreArn", "RevocationId", "RevocationType", "NumberOfRevokedEntries")}

    def users(backend, arn):
        return [listener for lb in backend.load_balancers.values() for listener in lb.listeners.values()
                if (getattr(listener, "mutual_authentication", None) or {}).get("TrustStoreArn") == arn]

    def revocation_ids(self, store, many=True):
        given = self._get_param("RevocationIds") if many else [self._get_param("RevocationId")]
        ids = []
        for i in given or []:
            try:
                ids.append(int(i))
            except (TypeError, ValueError):
                raise revocation_not_found()
        if any(i not in store["revocations"] for i in ids):
            raise revocation_not_found()
        return ids

    def create_trust_store(self):
        backend = self.elbv2_backend
        name = self._get_param("Name") or ""
        if len(name) > 32 or not re.fullmatch(r"([a-zA-Z0-9]+-)*[a-zA-Z0-9]+", name):
            raise RESTError(
                "ValidationError",
                f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
                "Member must satisfy regular expression pattern: ^([a-zA-Z0-9]+-)*[a-zA-Z0-9]+$")
        if any(s["Name"] == name for s in stores_of(backend).values()):
            raise RESTError("DuplicateTrustStoreName", "A trust store with the specified name already exists.")
        tags = self._get_param("Tags") or []
        keys = [t.get("Key") for t in tags]
        duplicate = next((k for k in keys if keys.count(k) > 1), None)
        if duplicate is not None:
            raise RESTError("DuplicateTagKeys", f"Tag key was specified more than once: {duplicate}")
        bundle = read_bundle(backend, self._get_param("CaCertificatesBundleS3Bucket"),
                             self._get_param("CaCertificatesBundleS3Key"),
                             self._get_param("CaCertificatesBundleS3ObjectVersion"))
        arn = (f"arn:{backend.partition}:elasticloadbalancing:{backend.region_name}:{backend.account_id}"
               f":truststore/{name}/{mock_random.get_random_hex(16)}")
        store = {"Name": name, "TrustStoreArn": arn, "bundle": bundle, "revocations": {}, "next_revocation": 1}
        stores_of(backend)[arn] = store
        if tags:
            backend.tagging_service.tag_resource(arn, tags)
        return ActionResult({"TrustStores": [view(store)]})

    def describe_trust_stores(self):
        stores = stores_of(self.elbv2_backend)
        arns = self._get_param("TrustStoreArns") or []
        names = self._get_param("Names") or []
        if not arns and not names:
            return ActionResult({"TrustStores": [view(s) for s in stores.values()]})
        found = []
        for arn in arns:
            found.append(store_of(self.elbv2_backend, arn))
        for name in names:
            store = next((s for s in stores.values() if s["Name"] == name), None)
            if store is None:
                raise not_found()
            found.append(store)
        unique = {s["TrustStoreArn"]: s for s in found}
        return ActionResult({"TrustStores": [view(s) for s in unique.values()]})

    def modify_trust_store(self):
        backend = self.elbv2_backend
        store = store_of(backend, self._get_param("TrustStoreArn"))
        store["bundle"] = read_bundle(backend, self._get_param("CaCertificatesBundleS3Bucket"),
                                      self._get_param("CaCertificatesBundleS3Key"),
                                      self._get_param("CaCertificatesBundleS3ObjectVersion"))
        return ActionResult({"TrustStores": [view(store)]})

    def delete_trust_store(self):
        backend = self.elbv2_backend
        arn = self._get_param("TrustStoreArn")
        store_of(backend, arn)
        if users(backend, arn):
            raise RESTError("TrustStoreInUse", "Trust store is in use by one or more listeners.")
        stores_of(backend).pop(arn)
        backend.tagging_service.delete_all_tags_for_resource(arn)
        return EmptyResult()

    def add_trust_store_revocations(self):
        backend = self.elbv2_backend
        store = store_of(backend, self._get_param("TrustStoreArn"))
        added = []
        for i, content in enumerate(self._get_param("RevocationContents") or [], start=1):
            kind = content.get("RevocationType") or "CRL"
            if kind != "CRL":
                raise RESTError(
                    "ValidationError",
                    f"1 validation error detected: Value '{kind}' at 'revocationContents.{i}.member.revocationType' "
                    "failed to satisfy constraint: Member must satisfy enum value set: [CRL]")
            obj = read_s3(backend, content.get("S3Bucket"), content.get("S3Key"), content.get("S3ObjectVersion"))
            if obj is None:
                raise RESTError("RevocationContentNotFound", "The specified revocation file does not exist.")
            added.append({
                "TrustStoreArn": store["TrustStoreArn"], "RevocationType": kind,
                "NumberOfRevokedEntries": revoked_entries(obj.value),
                "bucket": content.get("S3Bucket"), "key": content.get("S3Key"),
                "version": pinned(content.get("S3ObjectVersion"), obj),
            })
        for revocation in added:
            revocation["RevocationId"] = store["next_revocation"]
            store["next_revocation"] += 1
            store["revocations"][revocation["RevocationId"]] = revocation
        return ActionResult({"TrustStoreRevocations": [revocation_view(r) for r in added]})

    def describe_trust_store_revocations(self):
        store = store_of(self.elbv2_backend, self._get_param("TrustStoreArn"))
        ids = revocation_ids(self, store)
        found = [store["revocations"][i] for i in dict.fromkeys(ids)] if ids else list(store["revocations"].values())
        return ActionResult({"TrustStoreRevocations": [revocation_view(r) for r in found]})

    def remove_trust_store_revocations(self):
        store = store_of(self.elbv2_backend, self._get_param("TrustStoreArn"))
        for i in revocation_ids(self, store):
            store["revocations"].pop(i, None)
        return EmptyResult()

    def get_trust_store_ca_certificates_bundle(self):
        bundle = store_of(self.elbv2_backend, self._get_param("TrustStoreArn"))["bundle"]
        return ActionResult({"Location": location(self, bundle["bucket"], bundle["key"], bundle["version"])})

    def get_trust_store_revocation_content(self):
        store = store_of(self.elbv2_backend, self._get_param("TrustStoreArn"))
        ids = revocation_ids(self, store, many=False)
        if not ids:
            raise revocation_not_found()
        r = store["revocations"][ids[0]]
        return ActionResult({"Location": location(self, r["bucket"], r["key"], r["version"])})

    def describe_trust_store_associations(self):
        arn = self._get_param("TrustStoreArn")
        store_of(self.elbv2_backend, arn)
        return ActionResult({"TrustStoreAssociations": [
            {"ResourceArn": listener.arn} for listener in users(self.elbv2_backend, arn)]})

    def delete_shared_trust_store_association(self):
        arn = self._get_param("TrustStoreArn")
        store_of(self.elbv2_backend, arn)
        if any(listener.arn == self._get_param("ResourceArn") for listener in users(self.elbv2_backend, arn)):
            raise RESTError("DeleteAssociationSameAccount", "The specified association can't be within the same account.")
        raise RESTError("AssociationNotFound", "The specified association does not exist.")

    def mutual_authentication(self, given, protocol):
        if given is None:
            return None
        mode = given.get("Mode") or "off"
        if mode not in ("off", "passthrough", "verify"):
            raise RESTError(
                "ValidationError",
                f"Mutual authentication mode '{mode}' is not valid; valid modes are off, passthrough and verify")
        if mode != "off" and (protocol or "").upper() != "HTTPS":
            raise RESTError("ValidationError", "Mutual authentication is supported only by HTTPS listeners")
        if mode != "verify":
            return {"Mode": mode}
        arn = given.get("TrustStoreArn")
        if not arn:
            raise RESTError("ValidationError", "A trust store must be specified when mutual authentication mode is verify")
        store_of(self.elbv2_backend, arn)
        advertise = given.get("AdvertiseTrustStoreCaNames") or "off"
        if advertise not in ("on", "off"):
            raise RESTError(
                "ValidationError",
                f"1 validation error detected: Value '{advertise}' at 'mutualAuthentication.advertiseTrustStoreCaNames' "
                "failed to satisfy constraint: Member must satisfy enum value set: [on, off]")
        ignore = given.get("IgnoreClientCertificateExpiry", False)
        return {
            "Mode": "verify", "TrustStoreArn": arn,
            "IgnoreClientCertificateExpiry": str(ignore).lower() == "true",
            "AdvertiseTrustStoreCaNames": advertise, "TrustStoreAssociationStatus": "active",
        }

    original_backend_create_listener = models.ELBv2Backend.create_listener

    def backend_create_listener(self, *args, **kwargs):
        listener = original_backend_create_listener(self, *args, **kwargs)
        listener.mutual_authentication = {"Mode": "off"} if listener.protocol == "HTTPS" else None
        return listener

    original_create_listener = ELBV2Response.create_listener

    def create_listener(self):
        auth = mutual_authentication(self, self._get_param("MutualAuthentication"), self._get_param("Protocol"))
        result = original_create_listener(self)
        if auth is not None:
            result.result["Listeners"][0].mutual_authentication = auth
        return result

    original_modify_listener = ELBV2Response.modify_listener

    def modify_listener(self):
        arn = self._get_param("ListenerArn")
        listener = elbv2_listener(self.elbv2_backend, arn)
        protocol = self._get_param("Protocol") or listener.protocol
        auth = mutual_authentication(self, self._get_param("MutualAuthentication"), protocol)
        result = original_modify_listener(self)
        current = getattr(listener, "mutual_authentication", None)
        if auth is not None:
            listener.mutual_authentication = auth
        elif listener.protocol != "HTTPS":
            if (current or {}).get("Mode", "off") != "off":
                listener.mutual_authentication = None
        elif not current:
            listener.mutual_authentication = {"Mode": "off"}
        return result

    original_resource_by_arn = models.ELBv2Backend._get_resource_by_arn

    def get_resource_by_arn(self, arn):
        if ":truststore/" in (arn or ""):
            return store_of(self, arn)
        return original_resource_by_arn(self, arn)

    original_describe_tags = models.ELBv2Backend.describe_tags

    def describe_tags(self, resource_arns):
        for arn in resource_arns:
            if ":truststore/" in (arn or ""):
                store_of(self, arn)
        return original_describe_tags(self, resource_arns)

    models.ELBv2Backend.create_listener = backend_create_listener
    models.ELBv2Backend._get_resource_by_arn = get_resource_by_arn
    models.ELBv2Backend.describe_tags = describe_tags
    ELBV2Response.create_listener = create_listener
    ELBV2Response.modify_listener = modify_listener
    ELBV2Response.create_trust_store = create_trust_store
    ELBV2Response.describe_trust_stores = describe_trust_stores
    ELBV2Response.modify_trust_store = modify_trust_store
    ELBV2Response.delete_trust_store = delete_trust_store
    ELBV2Response.add_trust_store_revocations = add_trust_store_revocations
    ELBV2Response.describe_trust_store_revocations = describe_trust_store_revocations
    ELBV2Response.remove_trust_store_revocations = remove_trust_store_revocations
    ELBV2Response.get_trust_store_ca_certificates_bundle = get_trust_store_ca_certificates_bundle
    ELBV2Response.get_trust_store_revocation_content = get_trust_store_revocation_content
    ELBV2Response.describe_trust_store_associations = describe_trust_store_associations
    ELBV2Response.delete_shared_trust_store_association = delete_shared_trust_store_association


def patch_ec2_managed_prefix_lists():
    """ModifyManagedPrefixList as AWS documents it (EC2 API reference).

    - A name is changed only when PrefixListName is sent (moto 5.2.5 set it to None otherwise).
    - MaxEntries resizes the list; it cannot be combined with entry changes, nor go below the
      number of entries (InvalidParameterValue); moto ignored it.
    - An added entry whose CIDR the list has replaces it, which is how a description changes
      (moto kept both); a CIDR may not be both added and removed in one request, and entry
      changes must name the CurrentVersion (moto did not check either).
    - Each change makes a new version; a list never holds more entries than MaxEntries.
    """
    from moto.ec2.exceptions import EC2ClientError
    from moto.core.responses import ActionResult
    from moto.ec2.responses.vpcs import VPCs

    def invalid(message):
        return EC2ClientError("InvalidParameterValue", message)

    def modify_managed_prefix_list(self):
        pl = self.ec2_backend.managed_prefix_lists.get(self._get_param("PrefixListId"))
        if pl is None:
            raise EC2ClientError(
                "InvalidPrefixListID.NotFound",
                f"The prefix list ID '{self._get_param('PrefixListId')}' does not exist",
            )
        add = self._get_param("AddEntries", []) or []
        remove = self._get_param("RemoveEntries", []) or []
        max_entries = self._get_param("MaxEntries")
        name = self._get_param("PrefixListName")
        current = self._get_param("CurrentVersion")
        entries = list(pl.entries.get(pl.version, [])) if pl.entries else []
        if max_entries is not None and (add or remove):
            raise invalid("You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time.")
        if add or remove:
            if current is None or int(current) != pl.version:
                raise EC2ClientError(
                    "PrefixListVersionMismatch",
                    f"The prefix list has the incorrect version number: {pl.version}",
                )
            both = {e["Cidr"] for e in add} & {e["Cidr"] for e in remove}
            if both:
                raise invalid(f"Request cannot contain Cidr {sorted(both)[0]} in both AddPrefixListEntries and RemovePrefixListEntries")
            gone = {e["Cidr"] for e in remove} | {e["Cidr"] for e in add}
            entries = [e for e in entries if e.get("Cidr") not in gone] + [
                {k: v for k, v in e.items() if k in ("Cidr", "Description")} for e in add
            ]
            if pl.max_entries is not None and len(entries) > int(pl.max_entries):
                raise invalid(f"The prefix list would exceed its maximum number of entries ({pl.max_entries}).")
            pl.version += 1
            pl.entries[pl.version] = entries
        if max_entries is not None:
            if int(max_entries) < len(entries):
                raise invalid("The maximum number of entries cannot be less than the number of entries in the prefix list.")
            pl.max_entries = int(max_entries)
        if name:
            pl.prefix_list_name = name
        pl.state = "modify-complete"
        return ActionResult({"PrefixList": pl})

    VPCs.modify_managed_prefix_list = modify_managed_prefix_list


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


def patch_ec2_vpc_endpoint_filters():
    """EC2: the DescribeVpcEndpoints filters AWS documents that moto 5.2.5 lacks.

    moto filters endpoints by vpc-endpoint-type and vpc-endpoint-state only and fails with
    HTTP 500 (FilterNotImplementedError) on the others; the EC2 API reference lists
    vpc-endpoint-id, vpc-id and service-name among them (a filter, unlike VpcEndpointIds, drops
    an id that no longer exists instead of failing the call).
    """
    from moto.ec2.models.vpcs import VPCEndPoint

    original = VPCEndPoint.get_filter_value

    def get_filter_value(self, filter_name, method_name=None):
        if filter_name == "vpc-endpoint-id":
            return self.id
        if filter_name == "vpc-id":
            return self.vpc_id
        if filter_name == "service-name":
            return self.service_name
        return original(self, filter_name, method_name)

    VPCEndPoint.get_filter_value = get_filter_value


def patch_opensearch_serverless_endpoints_and_lifecycle():
    """OpenSearch Serverless: VPC endpoints and lifecycle policies as the API reference has them.

    moto 5.2.5 has only CreateVpcEndpoint (no BatchGetVpcEndpoint, UpdateVpcEndpoint,
    DeleteVpcEndpoint or ListVpcEndpoints), takes any name, makes the endpoint ACTIVE at once and
    keeps no security group when none is given; it has no lifecycle-policy call at all. AWS
    (OpenSearch Serverless API reference): an endpoint name matches ^[a-z][a-z0-9-]{2,31}$, the
    endpoint is PENDING, then ACTIVE; without security groups it gets the VPC's default group;
    the endpoint is also an EC2 interface endpoint of the same id (service
    com.amazonaws.REGION.aoss, an interface per subnet), which is where its security groups are
    read: BatchGetVpcEndpoint leaves them out (the AWS provider reads them from
    DescribeVpcEndpoints for that reason), so they are left out here too;
    BatchGetVpcEndpoint describes up to 100 ids (unknown ones in vpcEndpointErrorDetails);
    UpdateVpcEndpoint adds and removes subnets and groups; DeleteVpcEndpoint answers DELETING
    (ResourceNotFoundException for an unknown id); lifecycle policies (type "retention", a JSON
    document) are created, read with BatchGetLifecyclePolicy, updated against their policy
    version, and deleted, with ConflictException for a duplicate and ResourceNotFoundException for
    an unknown one. A create repeated with its clientToken answers the endpoint that token made
    (the idempotency the API documents). Endpoints here stay PENDING until first described and
    stay DELETING until described once more, so waiters see both states.
    """
    import re
    import time

    from moto.ec2.models import ec2_backends
    from moto.moto_api._internal import mock_random
    from moto.opensearchserverless import models
    from moto.opensearchserverless.exceptions import (
        ConflictException,
        ResourceNotFoundException,
        ValidationException,
    )
    from moto.opensearchserverless.responses import OpenSearchServiceServerlessResponse as Response

    def endpoints(r):
        return r.opensearchserverless_backend.os_endpoints

    def endpoint_detail(e):
        return {
            "id": e.id,
            "name": e.name,
            "vpcId": e.vpc_id,
            "subnetIds": list(e.subnet_ids),
            "status": e.status,
            "createdDate": e.created_date,
        }

    def ec2_of(r):
        return ec2_backends[r.current_account][r.region]

    def make_ec2_endpoint(r, e):
        ec2 = ec2_of(r)
        made = ec2.create_vpc_endpoint(
            vpc_id=e.vpc_id,
            service_name=f"com.amazonaws.{r.region}.aoss",
            endpoint_type="Interface",
            policy_document=None,
            route_table_ids=[],
            subnet_ids=list(e.subnet_ids),
            security_group_ids=list(e.security_group_ids),
        )
        ec2.vpc_end_points.pop(made.id)
        made.id = e.id
        ec2.vpc_end_points[e.id] = made

    def drop_ec2_endpoint(r, e):
        ec2 = ec2_of(r)
        ec2.delete_vpc_endpoints([e.id])
        ec2.vpc_end_points.pop(e.id, None)

    def create_vpc_endpoint(self):
        params = json.loads(self.body)
        name = params.get("name") or ""
        if not re.fullmatch(r"[a-z][a-z0-9-]{2,31}", name):
            raise ValidationException(msg=f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z][a-z0-9-]{{2,31}}$")
        subnets = params.get("subnetIds") or []
        if not 1 <= len(subnets) <= 6:
            raise ValidationException(msg="1 validation error detected: Value at 'subnetIds' failed to satisfy constraint: Member must have length between 1 and 6")
        groups = params.get("securityGroupIds")
        if not groups:
            default = ec2_of(self).get_default_security_group(params.get("vpcId"))
            groups = [default.id] if default else []
        backend = self.opensearchserverless_backend
        token = params.get("clientToken") or mock_random.get_random_string(10)
        again = backend.os_endpoints.get(token)
        if again is not None:
            return json.dumps({"createVpcEndpointDetail": {"id": again.id, "name": again.name, "status": again.status}})
        if any(e.name == name for e in backend.os_endpoints.values()):
            raise ConflictException(msg=f"VpcEndpoint with name {name} already exists")
        e = backend.create_vpc_endpoint(
            client_token=token,
            name=name,
            security_group_ids=groups,
            subnet_ids=subnets,
            vpc_id=params.get("vpcId"),
        )
        e.status = "PENDING"
        e.created_date = int(time.time() * 1000)
        make_ec2_endpoint(self, e)
        return json.dumps({"createVpcEndpointDetail": {"id": e.id, "name": e.name, "status": e.status}})

    def find_endpoint(self, id):
        for key, e in endpoints(self).items():
            if e.id == id:
                return key, e
        raise ResourceNotFoundException(msg=f"VpcEndpoint {id} not found")

    def batch_get_vpc_endpoint(self):
        ids = json.loads(self.body).get("ids") or []
        found, errors = [], []
        for id in ids:
            try:
                key, e = find_endpoint(self, id)
            except ResourceNotFoundException:
                errors.append({"id": id, "errorCode": "NotFound", "errorMessage": f"VpcEndpoint {id} not found"})
                continue
            if e.status == "DELETING" and getattr(e, "seen_deleting", False):
                endpoints(self).pop(key)
                drop_ec2_endpoint(self, e)
                errors.append({"id": id, "errorCode": "NotFound", "errorMessage": f"VpcEndpoint {id} not found"})
                continue
            found.append(endpoint_detail(e))
            if e.status == "PENDING":
                e.status = "ACTIVE"
            elif e.status == "DELETING":
                e.seen_deleting = True
        return json.dumps({"vpcEndpointDetails": found, "vpcEndpointErrorDetails": errors})

    def update_vpc_endpoint(self):
        params = json.loads(self.body)
        _, e = find_endpoint(self, params.get("id"))
        subnets = [s for s in e.subnet_ids if s not in (params.get("removeSubnetIds") or [])]
        subnets += [s for s in params.get("addSubnetIds") or [] if s not in subnets]
        groups = [g for g in e.security_group_ids if g not in (params.get("removeSecurityGroupIds") or [])]
        groups += [g for g in params.get("addSecurityGroupIds") or [] if g not in groups]
        if not 1 <= len(subnets) <= 6:
            raise ValidationException(msg="A VPC endpoint needs between 1 and 6 subnets")
        e.subnet_ids, e.security_group_ids = subnets, groups
        made = ec2_of(self).vpc_end_points.get(e.id)
        if made is not None:
            made.subnet_ids, made.security_group_ids = list(subnets), list(groups)
        e.status = "PENDING"
        detail = {
            "id": e.id,
            "name": e.name,
            "status": e.status,
            "subnetIds": subnets,
            "securityGroupIds": groups,
            "lastModifiedDate": int(time.time() * 1000),
        }
        return json.dumps({"UpdateVpcEndpointDetail": detail})

    def delete_vpc_endpoint(self):
        _, e = find_endpoint(self, json.loads(self.body).get("id"))
        e.status = "DELETING"
        return json.dumps({"deleteVpcEndpointDetail": {"id": e.id, "name": e.name, "status": e.status}})

    def list_vpc_endpoints(self):
        status = (json.loads(self.body).get("vpcEndpointFilters") or {}).get("status")
        summaries = [
            {"id": e.id, "name": e.name, "status": e.status}
            for e in endpoints(self).values()
            if status is None or e.status == status
        ]
        return json.dumps({"vpcEndpointSummaries": summaries})

    lifecycle = {}

    def lifecycle_key(self, params):
        return (self.current_account, self.region, params.get("name"), params.get("type"))

    def lifecycle_document(params):
        try:
            return json.loads(params.get("policy") or "")
        except ValueError:
            raise ValidationException(msg="Policy json is invalid, error: [not JSON]")

    def create_lifecycle_policy(self):
        params = json.loads(self.body)
        if params.get("type") != "retention":
            raise ValidationException(msg=f"Value '{params.get('type')}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [retention]")
        key = lifecycle_key(self, params)
        if key in lifecycle:
            raise ConflictException(msg=f"Policy with name {params['name']} and type retention already exists")
        now = int(time.time() * 1000)
        lifecycle[key] = {
            "name": params["name"],
            "type": "retention",
            "description": params.get("description"),
            "policy": lifecycle_document(params),
            "policyVersion": mock_random.get_random_string(20),
            "createdDate": now,
            "lastModifiedDate": now,
        }
        return json.dumps({"lifecyclePolicyDetail": {k: v for k, v in lifecycle[key].items() if v is not None}})

    def known_lifecycle(self, params):
        key = lifecycle_key(self, params)
        if key not in lifecycle:
            raise ResourceNotFoundException(
                msg=f"Policy with name {params.get('name')} and type {params.get('type')} is not found"
            )
        return lifecycle[key]

    def batch_get_lifecycle_policy(self):
        found, errors = [], []
        for ident in json.loads(self.body).get("identifiers") or []:
            p = lifecycle.get(lifecycle_key(self, ident))
            if p is None:
                errors.append({**ident, "errorCode": "ResourceNotFoundException", "errorMessage": "Policy not found"})
            else:
                found.append({k: v for k, v in p.items() if v is not None})
        return json.dumps({"lifecyclePolicyDetails": found, "lifecyclePolicyErrorDetails": errors})

    def update_lifecycle_policy(self):
        params = json.loads(self.body)
        p = known_lifecycle(self, params)
        if params.get("policyVersion") != p["policyVersion"]:
            raise ConflictException(msg="Policy version specified in the request refers to an older version")
        if params.get("policy") is not None:
            p["policy"] = lifecycle_document(params)
        if params.get("description") is not None:
            p["description"] = params["description"] or None
        p["policyVersion"] = mock_random.get_random_string(20)
        p["lastModifiedDate"] = int(time.time() * 1000)
        return json.dumps({"lifecyclePolicyDetail": {k: v for k, v in p.items() if v is not None}})

    def delete_lifecycle_policy(self):
        params = json.loads(self.body)
        known_lifecycle(self, params)
        lifecycle.pop(lifecycle_key(self, params))
        return json.dumps({})

    def list_lifecycle_policies(self):
        params = json.loads(self.body)
        summaries = [
            {k: v for k, v in p.items() if k in ("name", "type", "description", "policyVersion", "createdDate", "lastModifiedDate") and v is not None}
            for (account, region, _, _), p in lifecycle.items()
            if account == self.current_account and region == self.region and p["type"] == params.get("type")
        ]
        return json.dumps({"lifecyclePolicySummaries": summaries})

    Response.create_vpc_endpoint = create_vpc_endpoint
    Response.batch_get_vpc_endpoint = batch_get_vpc_endpoint
    Response.update_vpc_endpoint = update_vpc_endpoint
    Response.delete_vpc_endpoint = delete_vpc_endpoint
    Response.list_vpc_endpoints = list_vpc_endpoints
    Response.create_lifecycle_policy = create_lifecycle_policy
    Response.batch_get_lifecycle_policy = batch_get_lifecycle_policy
    Response.update_lifecycle_policy = update_lifecycle_policy
    Response.delete_lifecycle_policy = delete_lifecycle_policy
    Response.list_lifecycle_policies = list_lifecycle_policies


def patch_sqs_attributes():
    """SQS: keep the queue policy, return RedriveAllowPolicy, write JSON attributes compactly.

    moto 5.2.5 resets the policy on every SetQueueAttributes call that does not name Policy, so
    changing a queue's visibility timeout erased what aws_sqs_queue_policy set; AWS changes only
    the attributes a call names. It stores RedriveAllowPolicy but never returns it (AWS returns
    it with the other attributes). It returns Policy and RedrivePolicy re-serialised with spaces
    after separators; AWS returns compact JSON ({"deadLetterTargetArn":"...","maxReceiveCount":5}).
    """
    from moto.sqs.models import Queue

    original_set = Queue._set_attributes

    def _set_attributes(self, attributes, now=None):
        kept = getattr(self, "_policy_json", None)
        original_set(self, attributes, now)
        if "Policy" not in attributes and kept is not None:
            self._policy_json = kept

    Queue._set_attributes = _set_attributes
    Queue.redrive_allow_policy = None
    if "RedriveAllowPolicy" not in Queue.BASE_ATTRIBUTES:
        Queue.BASE_ATTRIBUTES = Queue.BASE_ATTRIBUTES + ["RedriveAllowPolicy"]

    original_attributes = Queue.attributes.fget

    def compact(text):
        try:
            return json.dumps(json.loads(text), separators=(",", ":"))
        except (TypeError, ValueError):
            return text

    def attributes(self):
        result = original_attributes(self)
        for key in ("Policy", "RedrivePolicy", "RedriveAllowPolicy"):
            if result.get(key):
                result[key] = compact(result[key])
            else:
                result.pop(key, None)
        return result

    Queue.attributes = property(attributes)


def patch_servicediscovery():
    """Cloud Map: namespaces and services as AWS keeps them.

    moto 5.2.5 refuses a second private DNS namespace in a VPC whatever its name (AWS refuses only
    a name that conflicts with one already in that VPC); ignores CreatorRequestId (AWS answers a
    create repeated with the same id with the first create's operation, or the service it made,
    so a retried or resumed create makes nothing new) and lets names repeat (AWS: an HTTP
    namespace name is unique, a service name unique in its namespace); names the namespace's
    hosted zone "<name>-hz" and never deletes it (AWS names the zone after the namespace and
    deletes it with it); and deletes a namespace that still has services (AWS refuses:
    ResourceInUse).
    """
    from moto.core.exceptions import JsonRESTError
    from moto.route53 import route53_backends
    from moto.servicediscovery.models import ServiceDiscoveryBackend as Backend

    def error(code, message):
        return JsonRESTError(code, message)

    def created_by(self, request_id):
        if not request_id:
            return None
        return next((n for n in self.namespaces.values() if n.creator_request_id == request_id), None)

    def operation_of(self, namespace):
        for op in self.operations.values():
            if op.operation_type == "CREATE_NAMESPACE" and op.targets.get("NAMESPACE") == namespace.id:
                return op.id
        return self._create_operation("CREATE_NAMESPACE", {"NAMESPACE": namespace.id})

    def zones(self):
        from moto.utilities.utils import get_partition

        return route53_backends[self.account_id][get_partition(self.region_name)]

    def name_zone(self, operation_id):
        namespace = self.namespaces[self.operations[operation_id].targets["NAMESPACE"]]
        zone_id = (namespace.dns_properties or {}).get("HostedZoneId")
        if zone_id:
            zone = zones(self).get_hosted_zone(zone_id)
            zone.name = zone.name.replace(f"{namespace.name}-hz", namespace.name, 1)
        return operation_id

    original_http = Backend.create_http_namespace

    def create_http_namespace(self, name, creator_request_id, description, tags):
        again = created_by(self, creator_request_id)
        if again is not None:
            return operation_of(self, again)
        if any(n.type == "HTTP" and n.name == name for n in self.namespaces.values()):
            raise error("NamespaceAlreadyExists", f"Namespace {name} already exists")
        return original_http(self, name, creator_request_id, description, tags)

    original_private = Backend.create_private_dns_namespace

    def create_private_dns_namespace(self, name, creator_request_id, description, vpc, tags, properties):
        again = created_by(self, creator_request_id)
        if again is not None:
            return operation_of(self, again)
        same_vpc = [n for n in self.namespaces.values() if n.vpc == vpc]
        if any(n.name == name for n in same_vpc):
            raise error("ConflictingDomainExists", f"{name} conflicts with a namespace in {vpc}")
        # moto's own check refuses any second namespace in the VPC: hide the others from it.
        for n in same_vpc:
            n.vpc = None
        try:
            op = original_private(self, name, creator_request_id, description, vpc, tags, properties)
        finally:
            for n in same_vpc:
                n.vpc = vpc
        return name_zone(self, op)

    original_public = Backend.create_public_dns_namespace

    def create_public_dns_namespace(self, name, creator_request_id, description, tags, properties):
        again = created_by(self, creator_request_id)
        if again is not None:
            return operation_of(self, again)
        return name_zone(self, original_public(self, name, creator_request_id, description, tags, properties))

    original_delete = Backend.delete_namespace

    def delete_namespace(self, namespace_id):
        if any(s.namespace_id == namespace_id for s in self.services.values()):
            raise error("ResourceInUse", f"Namespace {namespace_id} has services")
        namespace = self.namespaces.get(namespace_id)
        op = original_delete(self, namespace_id)
        zone_id = ((namespace.dns_properties or {}) if namespace else {}).get("HostedZoneId")
        if zone_id:
            try:
                zones(self).delete_hosted_zone(zone_id)
            except Exception:  # already gone, or records left: AWS would keep it too
                pass
        return op

    original_service = Backend.create_service

    def create_service(self, name, namespace_id, creator_request_id, description, dns_config,
                       health_check_config, health_check_custom_config, tags, service_type):
        if creator_request_id:
            for s in self.services.values():
                if s.creator_request_id == creator_request_id:
                    return s
        namespace_id = namespace_id or (dns_config or {}).get("NamespaceId")
        for s in self.services.values():
            if s.name == name and s.namespace_id == namespace_id:
                raise error("ServiceAlreadyExists", f"Service {name} already exists in {namespace_id}")
        return original_service(self, name, namespace_id, creator_request_id, description, dns_config,
                                health_check_config, health_check_custom_config, tags, service_type)

    Backend.create_http_namespace = create_http_namespace
    Backend.create_private_dns_namespace = create_private_dns_namespace
    Backend.create_public_dns_namespace = create_public_dns_namespace
    Backend.delete_namespace = delete_namespace
    Backend.create_service = create_service


def patch_apigatewayv2_domain_names():
    """API Gateway v2 custom domain names: what AWS computes, UpdateDomainName, UpdateApiMapping.

    AWS answers a regional custom domain name with the target it made for it
    (ApiGatewayDomainName, `d-<id>.execute-api.<region>.amazonaws.com`), the hosted zone of that
    target and a DomainNameStatus (AVAILABLE); moto 5.2.5 echoes the configurations it was sent.
    AWS changes a domain name's configurations and mutual TLS settings in place
    (UpdateDomainName) and an API mapping's API, stage and key (UpdateApiMapping); moto 5.2.5 has
    neither (HTTP 500).
    """
    from urllib.parse import unquote

    from moto.apigatewayv2.models import DomainName
    from moto.apigatewayv2.responses import ApiGatewayV2Response as Response
    from moto.moto_api._internal import mock_random

    # The hosted zones of API Gateway's regional endpoints, as AWS documents them.
    zones = {
        "us-east-1": "Z1UJRXOUMOOFQ8",
        "us-east-2": "ZOJJZC49E0EPZ",
        "us-west-1": "Z2MUQ32089INYE",
        "us-west-2": "Z2OJLYMUO9EFXC",
        "eu-west-1": "ZLY8HYME6SFDD",
        "eu-central-1": "Z1U9ULNL0V5AJ3",
    }

    def completed(domain, region):
        for config in domain.domain_name_configurations or []:
            config.setdefault(
                "apiGatewayDomainName",
                f"d-{mock_random.get_random_string(10, lower_case=True)}.execute-api.{region}.amazonaws.com",
            )
            config.setdefault("hostedZoneId", zones.get(region, "Z1UJRXOUMOOFQ8"))
            config.setdefault("domainNameStatus", "AVAILABLE")
            config.setdefault("securityPolicy", "TLS_1_2")

    original_init = DomainName.__init__

    def init(self, domain_name, domain_name_configurations, mutual_tls_authentication, tags, backend):
        original_init(self, domain_name, domain_name_configurations, mutual_tls_authentication, tags, backend)
        self.region = backend.region_name
        completed(self, self.region)

    DomainName.__init__ = init

    def update_domain_name(self):
        domain = self.apigatewayv2_backend.get_domain_name(unquote(self.path.rstrip("/").split("/")[-1]))
        params = json.loads(self.body or "{}")
        if "domainNameConfigurations" in params:
            targets = [c.get("apiGatewayDomainName") for c in domain.domain_name_configurations or []]
            domain.domain_name_configurations = params["domainNameConfigurations"]
            for config, target in zip(domain.domain_name_configurations, targets):
                if target:
                    config["apiGatewayDomainName"] = target
            completed(domain, domain.region)
        if "mutualTlsAuthentication" in params:
            domain.mutual_tls_authentication = params["mutualTlsAuthentication"]
        return 200, {}, json.dumps(domain.to_json())

    def update_api_mapping(self):
        parts = self.path.rstrip("/").split("/")
        domain_name, mapping_id = unquote(parts[-3]), unquote(parts[-1])
        mapping = self.apigatewayv2_backend.get_api_mapping(mapping_id, domain_name)
        params = json.loads(self.body or "{}")
        for key, attr in (("apiId", "api_id"), ("apiMappingKey", "api_mapping_key"), ("stage", "stage")):
            if key in params:
                setattr(mapping, attr, params[key])
        return 200, {}, json.dumps(mapping.to_json())

    Response.update_domain_name = update_domain_name
    Response.update_api_mapping = update_api_mapping


def patch_apigatewayv2():
    """API Gateway v2: UpdateStage, stage tags by ARN, deployments, GetAuthorizers.

    moto 5.2.5 has no UpdateStage (AWS changes access logs, throttling, auto deploy, variables
    and the deployment of a stage in place) nor DeleteRouteSettings; tags stages only at
    CreateStage (AWS tags a stage by its ARN like any API Gateway resource); drops a stage's
    deploymentId; has no deployment calls at all (AWS: Create/Get/GetDeployments/Update/Delete,
    a deployment DEPLOYED once made) and no GetAuthorizers.
    """
    import datetime as dt
    from urllib.parse import unquote

    from moto.apigatewayv2 import urls
    from moto.apigatewayv2.exceptions import APIGatewayV2Error
    from moto.apigatewayv2.models import ApiGatewayV2Backend as Backend
    from moto.apigatewayv2.models import Stage
    from moto.apigatewayv2.responses import ApiGatewayV2Response as Response
    from moto.core.utils import iso_8601_datetime_without_milliseconds
    from moto.moto_api._internal import mock_random

    class NotFound(APIGatewayV2Error):
        code = 404

        def __init__(self, what):
            super().__init__("NotFoundException", f"Invalid {what} identifier specified")

    from moto.apigateway import urls as v1_urls

    # The server serves v2 through v1's URL map (both sign as "apigateway"), which copies v2's
    # paths when it is imported: new paths go into both.
    for paths in (urls.url_paths, v1_urls.url_paths):
        paths["{0}/v2/tags/(?P<resource_arn>.+)$"] = Response.dispatch
        paths["{0}/v2/apis/(?P<api_id>[^/]+)/deployments$"] = Response.dispatch
        paths["{0}/v2/apis/(?P<api_id>[^/]+)/deployments/(?P<deployment_id>[^/]+)$"] = Response.dispatch
        paths[
            "{0}/v2/apis/(?P<api_id>[^/]+)/stages/(?P<stage_name>[^/]+)/routesettings/(?P<route_key>.+)$"
        ] = Response.dispatch

    original_init = Stage.__init__

    def stage_init(self, api, config):
        original_init(self, api, config)
        self.deployment_id = config.get("deploymentId")

    original_to_json = Stage.to_json

    def stage_to_json(self):
        out = original_to_json(self)
        if getattr(self, "deployment_id", None):
            out["deploymentId"] = self.deployment_id
        return out

    Stage.__init__ = stage_init
    Stage.to_json = stage_to_json

    def stage_by_arn(self, arn):
        parts = unquote(arn).split("::", 1)[-1].strip("/").split("/")
        if len(parts) == 4 and parts[0] == "apis" and parts[2] == "stages":
            return self.get_stage(parts[1], parts[3])
        return None

    original_get_tags = Backend.get_tags
    original_tag = Backend.tag_resource
    original_untag = Backend.untag_resource

    def get_tags(self, resource_arn):
        stage = stage_by_arn(self, resource_arn)
        return dict(stage.tags or {}) if stage is not None else original_get_tags(self, resource_arn)

    def tag_resource(self, resource_arn, tags):
        stage = stage_by_arn(self, resource_arn)
        if stage is None:
            return original_tag(self, resource_arn, tags)
        stage.tags = {**(stage.tags or {}), **(tags or {})}

    def untag_resource(self, resource_arn, tag_keys):
        stage = stage_by_arn(self, resource_arn)
        if stage is None:
            return original_untag(self, resource_arn, tag_keys)
        stage.tags = {k: v for k, v in (stage.tags or {}).items() if k not in tag_keys}

    Backend.get_tags = get_tags
    Backend.tag_resource = tag_resource
    Backend.untag_resource = untag_resource

    def update_stage(self):
        parts = self.path.split("/")
        api_id, name = parts[-3], unquote(parts[-1])
        params = json.loads(self.body or "{}")
        stage = self.apigatewayv2_backend.get_stage(api_id, name)
        for key, attr in (
            ("autoDeploy", "auto_deploy"),
            ("clientCertificateId", "client_certificate_id"),
            ("defaultRouteSettings", "default_route_settings"),
            ("deploymentId", "deployment_id"),
            ("description", "description"),
        ):
            if key in params:
                setattr(stage, attr, params[key])
        if "accessLogSettings" in params:
            logs = params["accessLogSettings"] or {}
            stage.access_log_settings = logs if logs.get("destinationArn") else None
        for key, settings in (params.get("routeSettings") or {}).items():
            stage.route_settings[key] = settings
        for key, value in (params.get("stageVariables") or {}).items():
            if value == "":
                stage.stage_variables.pop(key, None)
            else:
                stage.stage_variables[key] = value
        stage.updated = dt.datetime.now()
        return 200, {}, json.dumps(stage.to_json())

    def delete_route_settings(self):
        parts = self.path.split("/routesettings/")
        route_key = unquote(parts[1])
        head = parts[0].split("/")
        stage = self.apigatewayv2_backend.get_stage(head[-3], unquote(head[-1]))
        if route_key not in stage.route_settings:
            raise NotFound("route settings")
        stage.route_settings.pop(route_key)
        return 204, {}, ""

    deployments = {}

    def api_deployments(self, api_id):
        self.apigatewayv2_backend.get_api(api_id)
        return deployments.setdefault((self.current_account, self.region, api_id), {})

    def api_id_of(self):
        return self.path.split("/v2/apis/")[1].split("/")[0]

    def create_deployment(self):
        api_id = api_id_of(self)
        params = json.loads(self.body or "{}")
        d = {
            "deploymentId": mock_random.get_random_string(8, lower_case=True),
            "deploymentStatus": "DEPLOYED",
            "createdDate": iso_8601_datetime_without_milliseconds(dt.datetime.now()),
            "autoDeployed": False,
        }
        if params.get("description"):
            d["description"] = params["description"]
        api_deployments(self, api_id)[d["deploymentId"]] = d
        if params.get("stageName"):
            self.apigatewayv2_backend.get_stage(api_id, params["stageName"]).deployment_id = d["deploymentId"]
        return 201, {}, json.dumps(d)

    def deployment(self):
        found = api_deployments(self, api_id_of(self)).get(unquote(self.path.split("/")[-1]))
        if found is None:
            raise NotFound("Deployment")
        return found

    def get_deployment(self):
        return 200, {}, json.dumps(deployment(self))

    def get_deployments(self):
        return 200, {}, json.dumps({"items": list(api_deployments(self, api_id_of(self)).values())})

    def update_deployment(self):
        d = deployment(self)
        params = json.loads(self.body or "{}")
        if "description" in params:
            d["description"] = params["description"]
        return 200, {}, json.dumps(d)

    def delete_deployment(self):
        d = deployment(self)
        api_deployments(self, api_id_of(self)).pop(d["deploymentId"])
        return 204, {}, ""

    def get_authorizers(self):
        api = self.apigatewayv2_backend.get_api(api_id_of(self))
        return 200, {}, json.dumps({"items": [a.to_json() for a in api.authorizers.values()]})

    Response.update_stage = update_stage
    Response.delete_route_settings = delete_route_settings
    Response.create_deployment = create_deployment
    Response.get_deployment = get_deployment
    Response.get_deployments = get_deployments
    Response.update_deployment = update_deployment
    Response.delete_deployment = delete_deployment
    Response.get_authorizers = get_authorizers


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
    patch_rds_option_groups()
    patch_rds_adjacent_windows()
    patch_rds_performance_insights()
    patch_rds_instance_create_settings()
    patch_rds_read_replicas()
    patch_rds_instance_roles()
    patch_rds_backup_replication()


def patch_rds_backup_replication():
    """Cross-region automated backup replication: Start/StopDBInstanceAutomatedBackupsReplication.

    moto 5.2.5 has neither call (HTTP 500), and its DescribeDBInstanceAutomatedBackups knows only
    the backups of the region's own instances. As the RDS API Reference and User Guide
    ("Replicating automated backups to another AWS Region") document:
    - StartDBInstanceAutomatedBackupsReplication, called in the destination region with the
      source instance's ARN, makes a replicated automated backup there (its own
      `auto-backup:ab-...` ARN, Region = the source's region, BackupRetentionPeriod default 7,
      the KmsKeyId given) that is `pending` at first and then `replicating`
      (REPLICATION_PENDING_SECONDS here); the source instance lists it in
      DBInstanceAutomatedBackupsReplications. DBInstanceNotFound for an unknown source;
      InvalidDBInstanceState when the source keeps no automated backups or already replicates
      to this region; InvalidParameterValue for a source in this very region.
    - DescribeDBInstanceAutomatedBackups finds it by DBInstanceAutomatedBackupsArn (or by the
      source's identifier or DbiResourceId), and answers DBInstanceAutomatedBackupNotFound for an
      ARN it does not hold.
    - StopDBInstanceAutomatedBackupsReplication ends it: the backup is `retained` (kept for its
      retention period) and the source no longer lists it; InvalidDBInstanceState "... is not
      replicating to the current region" when there is nothing to stop (the AWS provider matches
      that text). A replicated backup whose source instance was deleted is `retained` too.
    """
    import random
    import string
    import time

    from moto.core.responses import ActionResult
    from moto.rds import models
    from moto.rds.exceptions import DBInstanceNotFoundError, RDSClientError
    from moto.rds.responses import RDSResponse

    REPLICATION_PENDING_SECONDS = 1.0

    def replicated(backend):
        if not hasattr(backend, "_replicated_backups"):
            backend._replicated_backups = {}
        return backend._replicated_backups

    def source_of(self, source_arn):
        parts = (source_arn or "").split(":")
        if len(parts) < 7 or parts[2] != "rds" or parts[5] != "db":
            raise RDSClientError("InvalidParameterValue", f"Invalid source DB instance ARN: {source_arn}")
        region, identifier = parts[3], parts[6]
        database = models.rds_backends[self.current_account][region].databases.get(identifier)
        if database is None:
            raise DBInstanceNotFoundError(source_arn)
        return region, database

    def answer(record):
        out = {k: v for k, v in record.items() if not k.startswith("_")}
        source = models.rds_backends[record["_account"]][record["Region"]].databases.get(
            record["DBInstanceIdentifier"]
        )
        if record["_stopped"] or source is None:
            out["Status"] = "retained"
        elif time.time() < record["_pending_until"]:
            out["Status"] = "pending"
        else:
            out["Status"] = "replicating"
        return out

    def unlist(database, arn):
        database.db_instance_automated_backups_replications = [
            r
            for r in getattr(database, "db_instance_automated_backups_replications", None) or []
            if r["DBInstanceAutomatedBackupsArn"] != arn
        ]

    def start_db_instance_automated_backups_replication(self):
        source_arn = self.params.get("SourceDBInstanceArn")
        region, database = source_of(self, source_arn)
        if region == self.region:
            raise RDSClientError(
                "InvalidParameterValue",
                "Automated backups can only be replicated to another AWS Region than the source DB instance's.",
            )
        if not getattr(database, "backup_retention_period", 0):
            raise RDSClientError(
                "InvalidDBInstanceState",
                f"Automated backups are not enabled for DB instance {database.db_instance_identifier}.",
            )
        records = replicated(self.backend)
        for record in records.values():
            if record["DBInstanceArn"] == source_arn and answer(record)["Status"] != "retained":
                raise RDSClientError(
                    "InvalidDBInstanceState",
                    f"DB instance {database.db_instance_identifier} already replicates its automated backups to {self.region}.",
                )
        backup_id = "ab-" + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(26))
        arn = f"arn:aws:rds:{self.region}:{self.current_account}:auto-backup:{backup_id}"
        record = {
            "DBInstanceArn": source_arn,
            "DbiResourceId": getattr(database, "dbi_resource_id", None),
            "Region": region,
            "DBInstanceIdentifier": database.db_instance_identifier,
            "AllocatedStorage": getattr(database, "allocated_storage", None),
            "Port": getattr(database, "port", None),
            "MasterUsername": getattr(database, "master_username", None),
            "Engine": database.engine,
            "EngineVersion": getattr(database, "engine_version", None),
            "StorageType": getattr(database, "storage_type", None),
            "Encrypted": bool(getattr(database, "storage_encrypted", False)),
            "KmsKeyId": self.params.get("KmsKeyId"),
            "BackupRetentionPeriod": int(self.params.get("BackupRetentionPeriod") or 7),
            "DBInstanceAutomatedBackupsArn": arn,
            "_account": self.current_account,
            "_stopped": False,
            "_pending_until": time.time() + REPLICATION_PENDING_SECONDS,
        }
        records[arn] = record
        listed = getattr(database, "db_instance_automated_backups_replications", None) or []
        database.db_instance_automated_backups_replications = listed + [{"DBInstanceAutomatedBackupsArn": arn}]
        return ActionResult({"DBInstanceAutomatedBackup": answer(record)})

    def stop_db_instance_automated_backups_replication(self):
        source_arn = self.params.get("SourceDBInstanceArn")
        _, database = source_of(self, source_arn)
        for record in replicated(self.backend).values():
            if record["DBInstanceArn"] == source_arn and answer(record)["Status"] != "retained":
                record["_stopped"] = True
                unlist(database, record["DBInstanceAutomatedBackupsArn"])
                return ActionResult({"DBInstanceAutomatedBackup": answer(record)})
        raise RDSClientError(
            "InvalidDBInstanceState",
            f"DB instance {database.db_instance_identifier} is not replicating to the current region.",
        )

    original_describe = RDSResponse.describe_db_instance_automated_backups

    def describe_db_instance_automated_backups(self):
        records = list(replicated(self.backend).values())
        arn = self.params.get("DBInstanceAutomatedBackupsArn")
        if arn:
            found = [answer(r) for r in records if r["DBInstanceAutomatedBackupsArn"] == arn]
            if not found:
                raise RDSClientError("DBInstanceAutomatedBackupNotFound", f"Cannot find automated backup {arn}.")
            return ActionResult({"DBInstanceAutomatedBackups": found})
        identifier = self.params.get("DBInstanceIdentifier")
        resource_id = self.params.get("DbiResourceId")
        mine = [
            answer(r)
            for r in records
            if (identifier is None or r["DBInstanceIdentifier"] == identifier)
            and (resource_id is None or r["DbiResourceId"] == resource_id)
        ]
        result = original_describe(self)
        result.result["DBInstanceAutomatedBackups"] = list(result.result["DBInstanceAutomatedBackups"]) + mine
        return result

    RDSResponse.start_db_instance_automated_backups_replication = start_db_instance_automated_backups_replication
    RDSResponse.stop_db_instance_automated_backups_replication = stop_db_instance_automated_backups_replication
    RDSResponse.describe_db_instance_automated_backups = describe_db_instance_automated_backups


def patch_rds_instance_roles():
    """AddRoleToDBInstance and RemoveRoleFromDBInstance: answer as the RDS API Reference documents.

    - A role just added is PENDING ("the IAM role ARN is being associated with the DB
      instance", DBInstanceRole.Status) before it turns ACTIVE; moto makes it ACTIVE at once, so
      the waits clients make for ACTIVE were never exercised. Here it is PENDING for
      ROLE_PENDING_SECONDS after the call.
    - RemoveRoleFromDBInstance takes the role off the instance: DBInstanceNotFound for an
      unknown instance, DBInstanceRoleNotFound when that role is not associated for that feature,
      InvalidDBInstanceState when the instance is not available. moto 5.2.5 has no such call
      (HTTP 500).
    - AddRoleToDBInstance on an instance that is not available fails with the code
      InvalidDBInstanceState (moto: InvalidDBInstanceStateFault, which SDKs do not recognise as
      InvalidDBInstanceStateFault), and a role or feature already associated with
      DBInstanceRoleAlreadyExists.
    """
    import time

    from moto.core.responses import EmptyResult
    from moto.rds import models
    from moto.rds.exceptions import DBInstanceNotFoundError, RDSClientError
    from moto.rds.responses import RDSResponse

    ROLE_PENDING_SECONDS = 1.0

    def get_status(self):
        if getattr(self, "_pending_until", 0) > time.time():
            return "PENDING"
        return self._status

    def set_status(self, value):
        self._status = value

    models.AssociatedRole.status = property(get_status, set_status)

    def available_instance(backend, identifier):
        database = backend.databases.get(identifier)
        if database is None:
            raise DBInstanceNotFoundError(identifier)
        if database.status != "available":
            raise RDSClientError(
                "InvalidDBInstanceState",
                f"DB instance {identifier} is not in the available state (it is {database.status}).",
            )
        return database

    def add_role_to_db_instance(self, db_instance_identifier, role_arn, feature_name):
        database = available_instance(self, db_instance_identifier)
        roles = getattr(database, "_associated_roles", None)
        if roles is None:  # a member of a cluster: moto keeps roles on the cluster only
            roles = database._associated_roles = []
        for role in roles:
            if role.role_arn == role_arn or role.feature_name == feature_name:
                raise RDSClientError(
                    "DBInstanceRoleAlreadyExists",
                    f"The specified RoleArn or FeatureName value is already associated with DB instance "
                    f"{db_instance_identifier} (role {role.role_arn}, feature {role.feature_name}).",
                )
        role = models.AssociatedRole(role_arn=role_arn, feature_name=feature_name)
        role._pending_until = time.time() + ROLE_PENDING_SECONDS
        roles.append(role)

    models.RDSBackend.add_role_to_db_instance = add_role_to_db_instance

    def remove_role_from_db_instance(self):
        identifier = self.params.get("DBInstanceIdentifier")
        role_arn = self.params.get("RoleArn")
        feature_name = self.params.get("FeatureName")
        database = available_instance(self.backend, identifier)
        roles = getattr(database, "_associated_roles", None) or []
        kept = [
            r for r in roles if not (r.role_arn == role_arn and (not feature_name or r.feature_name == feature_name))
        ]
        if len(kept) == len(roles):
            raise RDSClientError(
                "DBInstanceRoleNotFound",
                f"Role ARN {role_arn} cannot be found for DB instance {identifier}"
                + (f" and feature {feature_name}." if feature_name else "."),
            )
        database._associated_roles = kept
        return EmptyResult()

    RDSResponse.remove_role_from_db_instance = remove_role_from_db_instance


def patch_rds_read_replicas():
    """Read replicas (CreateDBInstanceReadReplica, PromoteReadReplica): answer as AWS documents.

    - A replica is an instance of its own: its own DbiResourceId (moto copies the source's, so a
      describe by resource id finds either), its own lists (moto's shallow copy shares the
      source's log exports and security groups, so changing one changed the other), and
      automated backups off (BackupRetentionPeriod 0) until a ModifyDBInstance turns them on, as
      the RDS User Guide says of read replicas.
    - A replica is Multi-AZ and has Performance Insights only when its request asks (moto copied
      the source's settings), and has no managed master password of its own (moto copied the
      source's secret).
    - PromoteReadReplica makes a standalone instance: ReadReplicaSourceDBInstanceIdentifier is
      gone and the source no longer lists it in ReadReplicaDBInstanceIdentifiers (moto kept both).
    - DeleteDBInstance of a cross-region replica takes its ARN off the source's list (moto looks
      for the identifier, fails with a 500 and keeps the replica).
    """
    import copy
    import random
    import string

    from moto.rds import models

    original_create = models.RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self, db_kwargs):
        replica = original_create(self, db_kwargs)
        alphabet = string.ascii_uppercase + string.digits
        replica.dbi_resource_id = "db-" + "".join(random.choice(alphabet) for _ in range(26))
        for name, value in list(vars(replica).items()):
            if isinstance(value, (list, dict)) and name != "backend":
                setattr(replica, name, copy.deepcopy(value))
        replica.backup_retention_period = 0
        # Multi-AZ is what the replica's request asks for (false when left out), and the
        # source's managed master password stays the source's: moto's copy took both over.
        replica.multi_az = bool(db_kwargs.get("multi_az"))
        replica.enable_performance_insights = db_kwargs.get("enable_performance_insights")
        replica.__dict__["performance_insights_retention_period"] = db_kwargs.get("performance_insights_retention_period")
        replica.performance_insights_kms_key_id = db_kwargs.get("performance_insights_kms_key_id")
        if "master_user_secret" in vars(replica):
            del replica.master_user_secret
        replica.manage_master_user_password = False
        return replica

    models.RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica

    def unlist(self, replica):
        source_id = replica.source_db_instance_identifier
        if not source_id:
            return
        try:
            source = self.find_db_from_id(source_id)
        except Exception:  # the source is gone already
            return
        for name in (replica.db_instance_identifier, replica.db_instance_arn):
            if name in source.replicas:
                source.replicas.remove(name)

    original_promote = models.RDSBackend.promote_read_replica

    def promote_read_replica(self, db_kwargs):
        database = self.databases.get(db_kwargs.get("db_instance_identifier"))
        was_replica = database is not None and database.is_replica
        database = original_promote(self, db_kwargs)
        if was_replica:
            unlist(self, database)
            database.source_db_instance_identifier = None
        return database

    models.RDSBackend.promote_read_replica = promote_read_replica

    original_delete = models.RDSBackend.delete_db_instance

    def delete_db_instance(self, db_instance_identifier, *args, **kwargs):
        database = self.databases.get(db_instance_identifier)
        if database is not None and database.is_replica and not database.deletion_protection:
            unlist(self, database)
            database.is_replica = False
        return original_delete(self, db_instance_identifier, *args, **kwargs)

    models.RDSBackend.delete_db_instance = delete_db_instance


def patch_rds_instance_create_settings():
    """CreateDBInstance: Timezone, NcharCharacterSetName and EngineLifecycleSupport.

    moto drops the three at creation (ModifyDBInstance stores EngineLifecycleSupport, as any
    keyword it is given) and describes none of them. AWS sets the time zone (SQL Server) and the
    national character set (Oracle) at creation only, and enrols an instance whose creation names
    no lifecycle in RDS Extended Support (open-source-rds-extended-support); DescribeDBInstances
    returns all three.
    """
    from moto.rds import models

    original_init = models.DBInstance.__init__

    def init(self, backend, **kwargs):
        original_init(self, backend, **kwargs)
        self.timezone = kwargs.get("timezone")
        self.nchar_character_set_name = kwargs.get("nchar_character_set_name")
        self.engine_lifecycle_support = kwargs.get("engine_lifecycle_support") or "open-source-rds-extended-support"

    models.DBInstance.__init__ = init


def patch_rds_performance_insights():
    """CreateDBInstance and ModifyDBInstance take EnablePerformanceInsights,
    PerformanceInsightsRetentionPeriod (7 days unless given) and PerformanceInsightsKMSKeyId, and
    DescribeDBInstances answers PerformanceInsightsEnabled and the other two. moto 5.2.5 keeps
    none of them, so an instance with Performance Insights read back as one without
    (terraform-aws-modules/rds examples enable it).
    """
    from moto.rds import models

    original_init = models.DBInstance.__init__

    def init(self, backend, **kwargs):
        original_init(self, backend, **kwargs)
        self.enable_performance_insights = kwargs.get("enable_performance_insights")
        self.performance_insights_retention_period = kwargs.get("performance_insights_retention_period")
        self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id")

    def enabled(self):
        return bool(getattr(self, "enable_performance_insights", False))

    def retention(self):
        if not enabled(self):
            return None
        return self.__dict__.get("performance_insights_retention_period") or 7

    def set_retention(self, value):
        self.__dict__["performance_insights_retention_period"] = value

    models.DBInstance.__init__ = init
    models.DBInstance.performance_insights_enabled = property(enabled)
    models.DBInstance.performance_insights_retention_period = property(retention, set_retention)


def patch_rds_adjacent_windows():
    """A backup window that begins when the maintenance window ends (03:00-06:00 after
    Mon:00:00-Mon:03:00) does not overlap it: RDS accepts the pair, and terraform-aws-modules/rds
    examples set exactly that. moto counts an overlap of zero seconds as overlapping and refused
    CreateDBInstance and ModifyDBInstance with "must not overlap". Windows that share only their
    edge are now apart; any longer overlap is still refused.
    """
    from moto.rds import utils

    original = utils.get_overlap_between_two_date_ranges

    def get_overlap_between_two_date_ranges(start_1, end_1, start_2, end_2):
        overlap = original(start_1, end_1, start_2, end_2)
        return -1 if overlap == 0 else overlap

    utils.get_overlap_between_two_date_ranges = get_overlap_between_two_date_ranges


def patch_rds_option_groups():
    """Option groups: answer as AWS documents.

    - DescribeOptionGroups without an OptionGroupName lists every group, an empty list when
      there is none; moto 5.2.5 answers HTTP 500 without the name (KeyError), and
      OptionGroupNotFoundFault whenever its filters match nothing.
    - DeleteOptionGroup refuses a group a DB instance still uses (InvalidOptionGroupStateFault),
      as AWS does; moto deletes it and leaves the instance naming a group that is gone.
    """
    from moto.rds import models
    from moto.rds.exceptions import OptionGroupNotFoundFaultError, RDSClientError

    original_describe = models.RDSBackend.describe_option_groups

    def describe_option_groups(self, option_group_kwargs):
        kwargs = dict(option_group_kwargs)
        kwargs.setdefault("option_group_name", None)
        try:
            return original_describe(self, kwargs)
        except OptionGroupNotFoundFaultError:
            if kwargs["option_group_name"]:
                raise
            return []

    models.RDSBackend.describe_option_groups = describe_option_groups

    original_delete = models.RDSBackend.delete_option_group

    def delete_option_group(self, option_group_name):
        users = [
            db.db_instance_identifier
            for db in self.databases.values()
            if getattr(db, "option_group_name", None) == option_group_name
        ]
        if users:
            raise RDSClientError(
                "InvalidOptionGroupStateFault",
                f"The option group '{option_group_name}' cannot be deleted because it is in use "
                f"by DB instance {users[0]}.",
            )
        return original_delete(self, option_group_name)

    models.RDSBackend.delete_option_group = delete_option_group


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


def patch_route53():
    """Route 53: caller references, CREATE of a record set that exists, deletes by set identifier.

    AWS refuses a CreateHostedZone whose CallerReference an earlier create used
    (HostedZoneAlreadyExists), so a retried or resumed create makes no second zone; moto 5.2.5
    makes another. AWS refuses a CREATE change for a name, type and set identifier that already
    has a record set (InvalidChangeBatch "Tried to create resource record set ... but it already
    exists"); moto refuses it only when the very same change was sent before, and otherwise
    keeps two record sets under one key. A DELETE change removes the one record set with its
    name, type and set identifier; moto removes every record set of that set identifier,
    whatever its name and type (a weighted "blue" record of one name took another's with it).
    """
    from moto.route53.exceptions import ResourceRecordAlreadyExists, Route53ClientError
    from moto.route53.models import FakeZone, Route53Backend

    class HostedZoneAlreadyExists(Route53ClientError):
        def __init__(self, name):
            super().__init__(
                "HostedZoneAlreadyExists",
                f"A hosted zone has already been created with the specified caller reference ({name}).",
            )

    original_create = Route53Backend.create_hosted_zone

    def create_hosted_zone(self, name, private_zone, caller_reference=None, *args, **kwargs):
        if caller_reference and any(z.caller_reference == caller_reference for z in self.zones.values()):
            raise HostedZoneAlreadyExists(name)
        return original_create(self, name, private_zone, caller_reference, *args, **kwargs)

    Route53Backend.create_hosted_zone = create_hosted_zone

    def key(name, rtype, ident):
        return ((name or "").rstrip(".").lower(), rtype, ident or None)

    original_change = Route53Backend.change_resource_record_sets

    def change_resource_record_sets(self, zoneid, change_list):
        zone = self.get_hosted_zone(zoneid)
        existing = {key(r.name, r.type, r.set_identifier) for r in zone.rrsets}
        deletes = []
        for change in change_list:
            rrset = change["ResourceRecordSet"]
            k = key(rrset["Name"], rrset.get("Type"), rrset.get("SetIdentifier"))
            if change["Action"] == "DELETE":
                existing.discard(k)
                if rrset.get("SetIdentifier"):
                    deletes.append(k)
            elif change["Action"] == "CREATE":
                if k in existing:
                    raise ResourceRecordAlreadyExists(name=rrset["Name"], _type=rrset.get("Type"))
                existing.add(k)
        original_change(self, zoneid, change_list)
        for k in deletes:
            zone.rrsets = [r for r in zone.rrsets if key(r.name, r.type, r.set_identifier) != k]

    Route53Backend.change_resource_record_sets = change_resource_record_sets
    # The precise delete above replaces moto's, which ignores name and type.
    FakeZone.delete_rrset_by_id = lambda self, set_identifier: None


def patch_route53_health_checks():
    """Route 53 health checks: caller references, CloudWatch alarm checks, updates of part.

    AWS hands back the health check an earlier CreateHealthCheck made when the CallerReference
    and settings are the same, and refuses the reference with other settings
    (HealthCheckAlreadyExists); moto 5.2.5 makes a new one each time. AWS keeps a
    CLOUDWATCH_METRIC check's AlarmIdentifier and InsufficientDataHealthStatus and a
    RECOVERY_CONTROL check's RoutingControlArn, and answers no endpoint settings (address, port,
    interval) for either, as for CALCULATED; moto drops the first three and gives both port 80.
    UpdateHealthCheck changes only what it is sent; moto clears the child checks and regions
    of every update that does not send them, and ignores the alarm settings. DeleteHealthCheck
    of an id that does not exist is refused with NoSuchHealthCheck; moto answers success.
    """
    from moto.route53.exceptions import NoSuchHealthCheck, Route53ClientError
    from moto.route53.models import HealthCheck, Route53Backend
    from moto.route53.responses import Route53

    class HealthCheckAlreadyExists(Route53ClientError):
        def __init__(self, reference):
            super().__init__(
                "HealthCheckAlreadyExists",
                f"A health check with the caller reference {reference} already exists with other settings.",
            )

    no_endpoint = {"CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"}
    original_config = HealthCheck.health_check_config.fget

    def health_check_config(self):
        config = original_config(self)
        if self.type_ in no_endpoint:
            for k in ("IPAddress", "Port", "RequestInterval", "FailureThreshold", "MeasureLatency"):
                config.pop(k, None)
        if self.type_ == "RECOVERY_CONTROL":
            config["MeasureLatency"] = self.measure_latency
        for k in ("AlarmIdentifier", "InsufficientDataHealthStatus", "RoutingControlArn"):
            if getattr(self, "extra", {}).get(k) is not None:
                config[k] = self.extra[k]
        return config

    HealthCheck.health_check_config = property(health_check_config)

    def create_health_check(self):
        reference = self._get_param("CallerReference")
        config = self._get_param("HealthCheckConfig") or {}
        for hc in self.backend.health_checks.values():
            if hc.caller_reference == reference:
                if getattr(hc, "request", None) != config:
                    raise HealthCheckAlreadyExists(reference)
                return ActionResult({"HealthCheck": hc})
        result = original_create(self)
        hc = result.result["HealthCheck"]
        hc.request = config
        hc.extra = {k: config.get(k) for k in ("AlarmIdentifier", "InsufficientDataHealthStatus", "RoutingControlArn")}
        return result

    from moto.core.responses import ActionResult

    original_create = Route53.create_health_check
    Route53.create_health_check = create_health_check

    def update_health_check(self):
        hc = self.backend.get_health_check(self._get_param("HealthCheckId"))
        children, regions = hc.children, hc.regions
        result = original_update(self)
        if self._get_param("ChildHealthChecks") is None:
            hc.children = children
        if self._get_param("Regions") is None:
            hc.regions = regions
        extra = getattr(hc, "extra", {})
        for k in ("AlarmIdentifier", "InsufficientDataHealthStatus"):
            if self._get_param(k) is not None:
                extra[k] = self._get_param(k)
        hc.extra = extra
        hc.health_check_version += 1
        return result

    original_update = Route53.update_health_check
    Route53.update_health_check = update_health_check

    original_delete = Route53Backend.delete_health_check

    def delete_health_check(self, health_check_id):
        if health_check_id not in self.health_checks:
            raise NoSuchHealthCheck(health_check_id)
        original_delete(self, health_check_id)
        self.resource_tags.pop(health_check_id, None)

    Route53Backend.delete_health_check = delete_health_check


def patch_acm():
    """ACM: the validation method and key algorithm asked for, and UpdateCertificateOptions.

    AWS validates each domain of a requested certificate the way ValidationMethod says (EMAIL
    when it is not given): a DNS domain carries the CNAME record to create (ResourceRecord), an
    EMAIL domain the addresses the approval mail went to (ValidationEmails) and no record, and an
    email-validated certificate stays PENDING_VALIDATION until someone approves it. moto 5.2.5
    reports DNS records for every certificate and issues every one after
    MOTO_ACM_VALIDATION_WAIT. A certificate from a private CA (CertificateAuthorityArn) needs no
    validation. AWS makes the key the KeyAlgorithm asks for (RSA_2048 by default) and reports
    it; moto reports RSA_2048 whatever was asked. AWS changes a certificate's transparency
    logging preference with UpdateCertificateOptions, which moto lacks.
    """
    from moto.acm.models import CertBundle
    from moto.acm.responses import AWSCertificateManagerResponse
    from moto.core.responses import EmptyResult

    original_request = AWSCertificateManagerResponse.request_certificate

    def request_certificate(self):
        result = original_request(self)
        arn = (result.result or {}).get("CertificateArn")
        cert = self.acm_backend._certificates.get(arn)
        if cert is not None and not hasattr(cert, "validation_method"):
            private = self._get_param("CertificateAuthorityArn") is not None
            cert.validation_method = None if private else (self._get_param("ValidationMethod") or "EMAIL")
            cert.key_algorithm = self._get_param("KeyAlgorithm") or "RSA_2048"
            if private:
                cert.status = "ISSUED"
        return result

    AWSCertificateManagerResponse.request_certificate = request_certificate

    original_check = CertBundle.check

    def check(self):
        if getattr(self, "validation_method", None) == "EMAIL" and self.status == "PENDING_VALIDATION":
            return
        original_check(self)

    CertBundle.check = check

    original_describe = CertBundle.describe

    def describe(self):
        result = original_describe(self)
        cert = result["Certificate"]
        if hasattr(self, "key_algorithm"):
            cert["KeyAlgorithm"] = self.key_algorithm
        method = getattr(self, "validation_method", "DNS")
        options = cert.get("DomainValidationOptions")
        if options is not None and method != "DNS":
            if method is None:
                cert.pop("DomainValidationOptions")
            else:
                for option in options:
                    option["ValidationMethod"] = method
                    option.pop("ResourceRecord", None)
                    domain = option["DomainName"].lstrip("*.")
                    option["ValidationEmails"] = [f"{who}@{domain}" for who in ("admin", "administrator", "hostmaster", "postmaster", "webmaster")]
        return result

    CertBundle.describe = describe

    def update_certificate_options(self):
        cert = self.acm_backend.get_certificate(self._get_param("CertificateArn"))
        cert.cert_options.update(self._get_param("Options") or {})
        return EmptyResult()

    AWSCertificateManagerResponse.update_certificate_options = update_certificate_options
def patch_cognitoidp():
    """Cognito user pools: answer as AWS documents where moto 5.2.5 does not.

    - TagResource, UntagResource and ListTagsForResource by pool ARN (moto lacks all three and
      answers 500). AWS tags user pools by ARN; the tags are the pool's `UserPoolTags`, which
      DescribeUserPool reports.
    - UpdateUserPool changes what it is sent and resets the other updatable settings to their
      defaults (AWS documents that), but it cannot change what only CreateUserPool takes:
      UsernameAttributes, AliasAttributes, UsernameConfiguration and the schema stay. moto
      replaces the whole configuration, dropping them. A request without UserPoolTags leaves the
      tags alone (tags are managed by the tagging calls), and MfaConfiguration is applied as
      GetUserPoolMfaConfig reports it (moto ignores it).
    - DeleteUserPool refuses a pool that still has a domain (InvalidParameterException: "User
      pool cannot be deleted. It has a domain configured that should be deleted first.") or
      whose deletion protection is ACTIVE, as AWS does; moto deletes both.
    - UpdateResourceServer and DeleteResourceServer (moto lacks both and answers 500). AWS's
      update replaces the server's name and its whole list of scopes (scopes left out are
      removed); both answer ResourceNotFoundException for an unknown pool or identifier.
    """
    from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.cognitoidp.responses import CognitoIdpResponse

    create_only = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")

    def update_user_pool(self, user_pool_id, extended_config):
        pool = self.describe_user_pool(user_pool_id)
        kept = {k: pool.extended_config[k] for k in create_only if k in pool.extended_config}
        if "UserPoolTags" not in extended_config and "UserPoolTags" in pool.extended_config:
            kept["UserPoolTags"] = pool.extended_config["UserPoolTags"]
        config = {k: v for k, v in extended_config.items() if k not in create_only and k != "UserPoolId"}
        config.update(kept)
        pool.update_extended_config(config)
        if extended_config.get("MfaConfiguration"):
            pool.mfa_config = extended_config["MfaConfiguration"]

    original_delete = CognitoIdpBackend.delete_user_pool

    def delete_user_pool(self, user_pool_id):
        pool = self.describe_user_pool(user_pool_id)
        if pool.domain:
            raise InvalidParameterException(
                "User pool cannot be deleted. It has a domain configured that should be deleted first."
            )
        if pool.extended_config.get("DeletionProtection") == "ACTIVE":
            raise InvalidParameterException(
                "The user pool cannot be deleted because deletion protection is activated. "
                "Deletion protection must be inactivated first."
            )
        return original_delete(self, user_pool_id)

    def pool_by_arn(backend, arn):
        for pool in backend.user_pools.values():
            if pool.arn == arn:
                return pool
        raise ResourceNotFoundError(f"Resource {arn} not found.")

    def tag_resource(self):
        pool = pool_by_arn(self.backend, self._get_param("ResourceArn"))
        tags = dict(pool.extended_config.get("UserPoolTags") or {})
        tags.update(self._get_param("Tags") or {})
        pool.extended_config["UserPoolTags"] = tags
        return json.dumps({})

    def untag_resource(self):
        pool = pool_by_arn(self.backend, self._get_param("ResourceArn"))
        tags = dict(pool.extended_config.get("UserPoolTags") or {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        pool.extended_config["UserPoolTags"] = tags
        return json.dumps({})

    def list_tags_for_resource(self):
        pool = pool_by_arn(self.backend, self._get_param("ResourceArn"))
        return json.dumps({"Tags": pool.extended_config.get("UserPoolTags") or {}})

    def update_resource_server(self):
        server = self.backend.describe_resource_server(self._get_param("UserPoolId"), self._get_param("Identifier"))
        server.name = self._get_param("Name")
        server.scopes = self._get_param("Scopes") or []
        return json.dumps({"ResourceServer": server.to_json()})

    def delete_resource_server(self):
        pool_id, identifier = self._get_param("UserPoolId"), self._get_param("Identifier")
        self.backend.describe_resource_server(pool_id, identifier)
        del self.backend.user_pools[pool_id].resource_servers[identifier]
        return json.dumps({})

    CognitoIdpResponse.update_resource_server = update_resource_server
    CognitoIdpResponse.delete_resource_server = delete_resource_server
    CognitoIdpBackend.update_user_pool = update_user_pool
    CognitoIdpBackend.delete_user_pool = delete_user_pool
    CognitoIdpResponse.tag_resource = tag_resource
    CognitoIdpResponse.untag_resource = untag_resource
    CognitoIdpResponse.list_tags_for_resource = list_tags_for_resource


def patch_elbv2_logs_and_listeners():
    """ELBv2: log buckets, listener security policies and default certificates as AWS has them.

    - Turning on access or connection logs: AWS checks, at ModifyLoadBalancerAttributes, that
      the bucket exists and that its policy lets Elastic Load Balancing write (the regional ELB
      account, or the logdelivery.elasticloadbalancing.amazonaws.com service principal), by
      writing `<prefix>/AWSLogs/<account>/ELBAccessLogTestFile` into it; otherwise it answers
      InvalidConfigurationRequest "Access Denied for bucket: <name>. Please check S3bucket
      permission". moto accepts any bucket name. Here the bucket must exist and hold a policy
      allowing s3:PutObject to an AWS account or that service principal, and the test file is
      written as AWS writes it (so the bucket is not empty afterwards).
    - A listener created without SslPolicy: AWS gives HTTPS and TLS listeners
      ELBSecurityPolicy-2016-08 and other protocols none; moto gives every listener that policy.
    - ModifyListener with Certificates replaces only the default certificate in AWS (the SNI
      certificates of AddListenerCertificates stay); moto replaced the whole list.
    """
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.models import ELBv2Backend
    from moto.s3.models import s3_backends

    def grants_elb(policy):
        try:
            doc = json.loads(policy)
        except (TypeError, ValueError):
            return False
        statements = doc.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        for st in statements:
            if st.get("Effect") != "Allow":
                continue
            actions = st.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            if not any(a in ("s3:PutObject", "s3:*", "*") for a in actions):
                continue
            principal = st.get("Principal", {})
            if principal == "*":
                return True
            values = []
            for key in ("AWS", "Service"):
                v = principal.get(key, []) if isinstance(principal, dict) else []
                values += [v] if isinstance(v, str) else v
            if any(v == "*" or v.startswith("arn:aws:iam::") or re.fullmatch(r"\d{12}", v)
                   or v == "logdelivery.elasticloadbalancing.amazonaws.com" for v in values):
                return True
        return False

    original_modify_attributes = ELBv2Backend.modify_load_balancer_attributes

    def modify_load_balancer_attributes(self, arn, attrs):
        balancer = self.load_balancers.get(arn)
        if balancer is not None:
            for kind in ("access_logs", "connection_logs"):
                if str(attrs.get(f"{kind}.s3.enabled", "")).lower() != "true":
                    continue
                bucket = attrs.get(f"{kind}.s3.bucket", balancer.attrs.get(f"{kind}.s3.bucket", ""))
                prefix = attrs.get(f"{kind}.s3.prefix", balancer.attrs.get(f"{kind}.s3.prefix", ""))
                denied = RESTError(
                    "InvalidConfigurationRequest",
                    f"Access Denied for bucket: {bucket}. Please check S3bucket permission",
                )
                s3 = s3_backends[self.account_id][self.partition]
                found = s3.buckets.get(bucket)
                if found is None or not grants_elb(found.policy):
                    raise denied
                key = "/".join(p for p in (prefix, "AWSLogs", self.account_id, "ELBAccessLogTestFile") if p)
                s3.put_object(bucket, key, b"Enable AccessLog for ELB: " + balancer.name.encode())
        return original_modify_attributes(self, arn, attrs)

    original_create_listener = ELBv2Backend.create_listener

    def create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, *args, **kwargs):
        if (protocol or "").upper() not in ("HTTPS", "TLS"):
            ssl_policy = None
        return original_create_listener(
            self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, *args, **kwargs
        )

    original_modify_listener = ELBv2Backend.modify_listener

    def modify_listener(self, arn, port=None, protocol=None, ssl_policy=None, certificates=None, actions=None):
        listener = elbv2_listener(self, arn)
        before = list(listener.certificates)
        out = original_modify_listener(self, arn, port, protocol, ssl_policy, certificates, actions)
        if certificates and before:
            default = certificates[0]["CertificateArn"]
            out.certificates = [default] + [c for c in before[1:] if c != default]
        return out

    ELBv2Backend.modify_load_balancer_attributes = modify_load_balancer_attributes
    ELBv2Backend.create_listener = create_listener
    ELBv2Backend.modify_listener = modify_listener
def patch_elbv2_capacity_pools_and_defaults():
    """ELBv2: what AWS keeps that moto 5.2.5 drops: IPAM pools, customer-owned pools, the
    PrivateLink security group setting, capacity reservations, and target group defaults.

    - CreateLoadBalancer takes CustomerOwnedIpv4Pool and IpamPools ({Ipv4IpamPoolId}) and
      DescribeLoadBalancers reports them; moto ignored both. ModifyIpPools sets IpamPools or,
      with RemoveIpamPools=[ipv4], removes them (moto has no such action).
    - A network load balancer created with security groups has
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic "on"; SetSecurityGroups takes the
      setting ("on"/"off", network load balancers only) and returns it. moto dropped it.
    - ModifyCapacityReservation keeps MinimumLoadBalancerCapacity {CapacityUnits} (application
      and network load balancers) or clears it with ResetCapacityReservation; the reservation
      is "provisioned" in each zone of the load balancer, as DescribeCapacityReservation
      reports (moto answered a fixed state and no capacity).
    - A new target group reports every attribute its protocol has, with AWS's values:
      HTTP/HTTPS groups the cookie stickiness durations (86400), an empty app cookie name and
      anomaly mitigation "off"; TCP/TLS/UDP/TCP_UDP groups proxy protocol v2 and connection
      termination "false", client IP preservation ("true" but for ip targets over TCP/TLS),
      TCP/TLS groups the unhealthy-target settings (termination "true", draining 0); all but
      GENEVE the target group health thresholds ("off", 1, "off"). moto had a few of these.
    """
    from moto.elbv2.exceptions import ELBClientError as RESTError
    from moto.elbv2.models import ELBv2Backend
    from moto.elbv2.responses import ELBV2Response
    from moto.core.responses import ActionResult
    from moto.core.utils import iso_8601_datetime_with_milliseconds

    def balancer_of(self, arn):
        lb = self.elbv2_backend.load_balancers.get(arn)
        if lb is None:
            raise RESTError("LoadBalancerNotFound", f"Load balancer '{arn}' not found")
        return lb

    original_create = ELBV2Response.create_load_balancer

    def create_load_balancer(self):
        result = original_create(self)
        name = self._get_param("Name")
        lb = next((b for b in self.elbv2_backend.load_balancers.values() if b.name == name), None)
        if lb is not None:
            lb.customer_owned_ipv4_pool = self._get_param("CustomerOwnedIpv4Pool")
            pools = self._get_param("IpamPools")
            lb.ipam_pools = pools if pools and pools.get("Ipv4IpamPoolId") else None
            if lb.type == "network" and lb.security_groups:
                lb.enforce_security_group_inbound_rules_on_private_link_traffic = "on"
        return result

    original_set_groups = ELBV2Response.set_security_groups

    def set_security_groups(self):
        lb = balancer_of(self, self._get_param("LoadBalancerArn"))
        enforce = self._get_param("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        if enforce is not None:
            if lb.type != "network":
                raise RESTError(
                    "InvalidConfigurationRequest",
                    "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is supported only by network load balancers",
                )
            if enforce not in ("on", "off"):
                raise RESTError("ValidationError", f"'{enforce}' must be one of [on, off]")
        original_set_groups(self)
        if lb.type == "network":
            if enforce is not None:
                lb.enforce_security_group_inbound_rules_on_private_link_traffic = enforce
            elif lb.security_groups and not getattr(
                lb, "enforce_security_group_inbound_rules_on_private_link_traffic", None
            ):
                lb.enforce_security_group_inbound_rules_on_private_link_traffic = "on"
        return ActionResult({
            "SecurityGroupIds": lb.security_groups,
            "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": getattr(
                lb, "enforce_security_group_inbound_rules_on_private_link_traffic", None
            ),
        })

    def modify_ip_pools(self):
        lb = balancer_of(self, self._get_param("LoadBalancerArn"))
        pools = self._get_param("IpamPools")
        remove = self._get_param("RemoveIpamPools", [])
        if lb.type != "application":
            raise RESTError("InvalidConfigurationRequest", "IPAM pools are supported only by application load balancers")
        if "ipv4" in remove:
            lb.ipam_pools = None
        elif pools and pools.get("Ipv4IpamPoolId"):
            lb.ipam_pools = pools
        return ActionResult({"IpamPools": lb.ipam_pools})

    def reservation(lb):
        capacity = getattr(lb, "capacity_units", None)
        out = {
            "LastModifiedTime": getattr(lb, "capacity_modified", None),
            "DecreaseRequestsRemaining": getattr(lb, "capacity_decreases", 3),
            "CapacityReservationState": [
                {"AvailabilityZone": s.availability_zone, "State": {"Code": "provisioned"}}
                for s in lb.subnets
            ] if capacity is not None else [],
        }
        if capacity is not None:
            out["MinimumLoadBalancerCapacity"] = {"CapacityUnits": capacity}
        return out

    def modify_capacity_reservation(self):
        lb = balancer_of(self, self._get_param("LoadBalancerArn"))
        if lb.type not in ("application", "network"):
            raise RESTError("InvalidConfigurationRequest", "Capacity reservations are not supported by gateway load balancers")
        minimum = self._get_param("MinimumLoadBalancerCapacity") or {}
        reset = str(self._get_param("ResetCapacityReservation", "false")).lower() == "true"
        units = minimum.get("CapacityUnits")
        if reset:
            lb.capacity_units = None
        elif units is None:
            raise RESTError("ValidationError", "Either MinimumLoadBalancerCapacity or ResetCapacityReservation must be specified")
        else:
            if getattr(lb, "capacity_units", None) is not None and int(units) < lb.capacity_units:
                lb.capacity_decreases = getattr(lb, "capacity_decreases", 3) - 1
            lb.capacity_units = int(units)
        lb.capacity_modified = iso_8601_datetime_with_milliseconds()
        return ActionResult(reservation(lb))

    def describe_capacity_reservation(self):
        lb = balancer_of(self, self._get_param("LoadBalancerArn"))
        return ActionResult(reservation(lb))

    original_create_group = ELBv2Backend.create_target_group

    def create_target_group(self, name, **kwargs):
        group = original_create_group(self, name, **kwargs)
        protocol = (group.protocol or "").upper()
        defaults = {}
        if protocol in ("HTTP", "HTTPS"):
            defaults.update({
                "stickiness.lb_cookie.duration_seconds": "86400",
                "stickiness.app_cookie.cookie_name": "",
                "stickiness.app_cookie.duration_seconds": "86400",
                "load_balancing.algorithm.anomaly_mitigation": "off",
            })
        if protocol in ("TCP", "TLS", "UDP", "TCP_UDP"):
            keep_ip = not (group.target_type == "ip" and protocol in ("TCP", "TLS"))
            defaults.update({
                "proxy_protocol_v2.enabled": "false",
                "deregistration_delay.connection_termination.enabled": "false",
                "preserve_client_ip.enabled": "true" if keep_ip else "false",
            })
        if protocol in ("TCP", "TLS"):
            defaults.update({
                "target_health_state.unhealthy.connection_termination.enabled": "true",
                "target_health_state.unhealthy.draining_interval_seconds": "0",
            })
        if protocol != "GENEVE" and group.target_type != "lambda":
            defaults.update({
                "target_group_health.dns_failover.minimum_healthy_targets.count": "off",
                "target_group_health.dns_failover.minimum_healthy_targets.percentage": "off",
                "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": "1",
                "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
            })
        for k, v in defaults.items():
            group.attributes.setdefault(k, v)
        return group

    ELBV2Response.create_load_balancer = create_load_balancer
    ELBV2Response.set_security_groups = set_security_groups
    ELBV2Response.modify_ip_pools = modify_ip_pools
    ELBV2Response.modify_capacity_reservation = modify_capacity_reservation
    ELBV2Response.describe_capacity_reservation = describe_capacity_reservation
    ELBv2Backend.create_target_group = create_target_group


def patch_cloudfront_policies():
    """CloudFront cache, origin request and response headers policies (moto 5.2.5 has none).

    AWS keeps three families of policies, each with Create/Get/GetConfig/Update/Delete/List:
    - every policy has an Id (a UUID), a LastModifiedTime and an ETag that changes on each
      update; Update and Delete need the current ETag in If-Match: missing answers
      InvalidIfMatchVersion, a stale one PreconditionFailed. Update replaces the whole config.
    - a name is unique within a family and account (…AlreadyExists on create or rename).
    - AWS owns the managed policies (Type=managed, names "Managed-…", fixed ids documented in
      the CloudFront developer guide); List takes Type=managed|custom, without it lists both.
      Managed policies cannot be changed or deleted (IllegalUpdate / IllegalDelete).
    - a policy a distribution's cache behavior uses cannot be deleted (…InUse).
    Unknown ids answer NoSuch…Policy (404).
    """
    import datetime as dt

    from moto.cloudfront import urls
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult
    from moto.moto_api._internal import mock_random

    def names(*items):
        return {"Quantity": len(items), "Items": list(items)} if items else {"Quantity": 0}

    def cache(min_ttl, default_ttl, max_ttl, compress, headers, cookies, queries, comment):
        return {
            "Comment": comment,
            "MinTTL": min_ttl,
            "DefaultTTL": default_ttl,
            "MaxTTL": max_ttl,
            "ParametersInCacheKeyAndForwardedToOrigin": {
                "EnableAcceptEncodingGzip": compress,
                "EnableAcceptEncodingBrotli": compress,
                "HeadersConfig": headers,
                "CookiesConfig": cookies,
                "QueryStringsConfig": queries,
            },
        }

    def hdr(behavior, *items):
        c = {"HeaderBehavior": behavior}
        if items:
            c["Headers"] = names(*items)
        return c

    def ck(behavior, *items):
        c = {"CookieBehavior": behavior}
        if items:
            c["Cookies"] = names(*items)
        return c

    def qs(behavior, *items):
        c = {"QueryStringBehavior": behavior}
        if items:
            c["QueryStrings"] = names(*items)
        return c

    ttl_year = 31536000
    origin_headers = ("host", "origin", "x-http-method-override", "x-http-method", "x-method-override")
    managed_cache = {
        "2e54312d-136d-493c-8eb9-b001f22f67d2": ("Amplify", cache(
            2, 2, 600, True, hdr("whitelist", "Authorization", "CloudFront-Viewer-Country", "Host"),
            ck("all"), qs("all"), "Policy for Amplify Origin")),
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": ("CachingDisabled", cache(
            0, 0, 0, False, hdr("none"), ck("none"), qs("none"), "Policy with caching disabled")),
        "658327ea-f89d-4fab-a63d-7e88639e58f6": ("CachingOptimized", cache(
            1, 86400, ttl_year, True, hdr("none"), ck("none"), qs("none"),
            "Policy with caching enabled. Supports Gzip and Brotli compression.")),
        "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": ("CachingOptimizedForUncompressedObjects", cache(
            1, 86400, ttl_year, False, hdr("none"), ck("none"), qs("none"),
            "Default policy when compression is disabled")),
        "08627262-05a9-4f76-9ded-b50ca2e3a84f": ("Elemental-MediaPackage", cache(
            0, 86400, ttl_year, True, hdr("whitelist", "origin"), ck("none"),
            qs("whitelist", "aws.manifestfilter", "start", "end", "m"), "Policy for Elemental MediaPackage Origin")),
        "83da9c7e-98b4-4e11-a168-04f0df8e2c65": ("UseOriginCacheControlHeaders", cache(
            0, 0, ttl_year, True, hdr("whitelist", *origin_headers), ck("all"), qs("none"),
            "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.")),
        "4cc15a8a-d715-48a4-82b8-cc0b614638fe": ("UseOriginCacheControlHeaders-QueryStrings", cache(
            0, 0, ttl_year, True, hdr("whitelist", *origin_headers), ck("all"), qs("all"),
            "Policy for origins that return Cache-Control headers and serve different content based on query strings.")),
    }

    def orp(headers, cookies, queries, comment):
        return {"Comment": comment, "HeadersConfig": headers, "CookiesConfig": cookies, "QueryStringsConfig": queries}

    cloudfront_headers = (
        "CloudFront-Viewer-Address", "CloudFront-Viewer-Country", "CloudFront-Viewer-City",
        "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-Desktop-Viewer", "CloudFront-Forwarded-Proto",
    )
    managed_origin_request = {
        "216adef6-5c7f-47e4-b989-5492eafa07d3": ("AllViewer", orp(
            hdr("allViewer"), ck("all"), qs("all"), "Policy to forward all parameters in viewer requests")),
        "33f36d7e-f396-46d9-90e0-52428a34d9dc": ("AllViewerAndCloudFrontHeaders-2022-06", orp(
            hdr("allViewerAndWhitelistCloudFront", *cloudfront_headers), ck("all"), qs("all"),
            "Policy to forward all parameters in viewer requests and all CloudFront headers")),
        "b689b0a8-53d0-40ab-baf2-68738e2966ac": ("AllViewerExceptHostHeader", orp(
            hdr("allExcept", "host"), ck("all"), qs("all"),
            "Policy to forward all parameters in viewer requests except for the Host header")),
        "59781a5b-3903-41f3-afcb-af62929ccde1": ("CORS-CustomOrigin", orp(
            hdr("whitelist", "origin"), ck("none"), qs("none"), "Policy for allowing CORS requests")),
        "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": ("CORS-S3Origin", orp(
            hdr("whitelist", "origin", "access-control-request-headers", "access-control-request-method"),
            ck("none"), qs("none"), "Policy for S3 origin with CORS")),
        "775133bc-15f2-49f9-abea-afb2e0bf67d2": ("Elemental-MediaTailor-PersonalizedManifests", orp(
            hdr("whitelist", "origin", "access-control-request-headers", "x-forwarded-for",
                "access-control-request-method", "user-agent"),
            ck("none"), qs("all"), "Policy for Elemental MediaTailor Personalized Manifests")),
        "acba4595-bd28-49b8-b9fe-13317c0390fa": ("UserAgentRefererHeaders", orp(
            hdr("whitelist", "user-agent", "referer"), ck("none"), qs("all"),
            "Policy to forward user-agent and referer headers to origin")),
    }

    security = {
        "XSSProtection": {"Override": False, "Protection": True, "ModeBlock": True},
        "FrameOptions": {"Override": False, "FrameOption": "SAMEORIGIN"},
        "ReferrerPolicy": {"Override": False, "ReferrerPolicy": "strict-origin-when-cross-origin"},
        "ContentTypeOptions": {"Override": False},
        "StrictTransportSecurity": {
            "Override": False, "IncludeSubdomains": False, "Preload": False, "AccessControlMaxAgeSec": ttl_year,
        },
    }

    def cors(preflight):
        c = {
            "AccessControlAllowOrigins": names("*"),
            "AccessControlAllowHeaders": names("*"),
            "AccessControlAllowMethods": names("ALL"),
            "AccessControlAllowCredentials": False,
            "OriginOverride": False,
        }
        if preflight:
            c["AccessControlExposeHeaders"] = names("*")
            c["AccessControlMaxAgeSec"] = 600
        return c

    managed_response_headers = {
        "67f7725c-6f97-4210-82d7-5512b31e9d03": ("SecurityHeadersPolicy", {
            "Comment": "Adds a set of security headers to every response", "SecurityHeadersConfig": security}),
        "60669652-455b-4ae9-85a4-c4c02393f86c": ("SimpleCORS", {
            "Comment": "Allows all origins for simple CORS requests", "CorsConfig": cors(False)}),
        "5cc3b908-e619-4b99-88e5-2cf7f45965bd": ("CORS-With-Preflight", {
            "Comment": "Allows all origins for CORS requests, including preflight requests",
            "CorsConfig": cors(True)}),
        "e61eb60c-9c35-4d20-a928-2b84e02af89c": ("CORS-and-SecurityHeadersPolicy", {
            "Comment": "Allows all origins for simple CORS requests and adds security headers",
            "CorsConfig": cors(False), "SecurityHeadersConfig": security}),
        "eaab4381-ed33-4a86-88ca-d9558dc6cd63": ("CORS-with-preflight-and-SecurityHeadersPolicy", {
            "Comment": "Allows all origins for CORS requests, including preflight requests, and adds security headers",
            "CorsConfig": cors(True), "SecurityHeadersConfig": security}),
    }

    def listed(block):
        """A Quantity + Items block's items, as a list whatever the parser made of one item."""
        items = (block or {}).get("Items") or []
        if isinstance(items, dict):
            # <Items><Method>GET</Method></Items>: the member element's value(s).
            inner = list(items.values())
            items = inner[0] if len(inner) == 1 and isinstance(inner[0], list) else inner
        return items if isinstance(items, list) else [items]

    def check_response_headers(config):
        """What CloudFront refuses in a response headers policy (the API reference's
        ResponseHeadersPolicy* types and the CloudFront quotas page):
        - each Quantity must count its Items (InvalidArgument);
        - FrameOption is DENY|SAMEORIGIN, ReferrerPolicy one of the eight Referrer-Policy
          values, CORS methods GET|POST|OPTIONS|PUT|DELETE|PATCH|HEAD|ALL (InvalidArgument);
        - X-XSS-Protection: "You cannot specify a ReportUri when ModeBlock is true";
        - Server-Timing SamplingRate is 0–100 (InvalidArgument);
        - at most 10 custom headers and 10 headers to remove
          (TooManyCustomHeadersInResponseHeadersPolicy, TooManyRemoveHeadersInResponseHeadersPolicy);
        - a Content-Security-Policy value of at most 1783 characters (TooLongCSPInResponseHeadersPolicy).
        """
        invalid = lambda m: error("InvalidArgument", m)  # noqa: E731
        def counted(block, what):
            if block is None:
                return []
            items = listed(block)
            if int(block.get("Quantity") or 0) != len(items):
                raise invalid(f"The Quantity of {what} does not match the number of Items.")
            return items
        cors = config.get("CorsConfig")
        if cors:
            counted(cors.get("AccessControlAllowOrigins"), "AccessControlAllowOrigins")
            counted(cors.get("AccessControlAllowHeaders"), "AccessControlAllowHeaders")
            counted(cors.get("AccessControlExposeHeaders"), "AccessControlExposeHeaders")
            allowed = {"GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "ALL"}
            for m in counted(cors.get("AccessControlAllowMethods"), "AccessControlAllowMethods"):
                if m not in allowed:
                    raise invalid(f"{m} is not a valid AccessControlAllowMethods value.")
        sec = config.get("SecurityHeadersConfig") or {}
        frame = (sec.get("FrameOptions") or {}).get("FrameOption")
        if frame is not None and frame not in ("DENY", "SAMEORIGIN"):
            raise invalid(f"{frame} is not a valid FrameOption.")
        referrer = (sec.get("ReferrerPolicy") or {}).get("ReferrerPolicy")
        referrers = ("no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
                     "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url")
        if referrer is not None and referrer not in referrers:
            raise invalid(f"{referrer} is not a valid ReferrerPolicy.")
        xss = sec.get("XSSProtection") or {}
        if str(xss.get("ModeBlock")).lower() == "true" and xss.get("ReportUri"):
            raise invalid("You cannot specify a ReportUri when ModeBlock is true.")
        csp = (sec.get("ContentSecurityPolicy") or {}).get("ContentSecurityPolicy") or ""
        if len(csp) > 1783:
            raise error("TooLongCSPInResponseHeadersPolicy", "The Content-Security-Policy is too long.")
        timing = config.get("ServerTimingHeadersConfig") or {}
        if timing.get("SamplingRate") is not None and not 0 <= float(timing["SamplingRate"]) <= 100:
            raise invalid("SamplingRate must be from 0 to 100.")
        if len(counted(config.get("CustomHeadersConfig"), "CustomHeadersConfig")) > 10:
            raise error("TooManyCustomHeadersInResponseHeadersPolicy", "More than 10 custom headers.")
        if len(counted(config.get("RemoveHeadersConfig"), "RemoveHeadersConfig")) > 10:
            raise error("TooManyRemoveHeadersInResponseHeadersPolicy", "More than 10 headers to remove.")

    class Family:
        """One kind of policy: its API words, the distribution field naming it, its managed set,
        and what CloudFront refuses in its configuration beyond unique names."""

        def __init__(self, noun, path, behavior_attr, managed, check=None):
            self.noun = noun  # e.g. CachePolicy
            self.config = f"{noun}Config"
            self.path = path
            self.behavior_attr = behavior_attr
            self.managed = managed
            self.check = check or (lambda config: None)

    families = {
        "cache": Family("CachePolicy", "cache-policy", "cache_policy_id", managed_cache),
        "origin_request": Family("OriginRequestPolicy", "origin-request-policy", "origin_request_policy_id",
                                 managed_origin_request),
        "response_headers": Family("ResponseHeadersPolicy", "response-headers-policy",
                                   "response_headers_policy_id", managed_response_headers,
                                   check_response_headers),
    }

    def error(code, message):
        return CloudFrontException(code, message)

    def now():
        return dt.datetime.now(dt.timezone.utc)

    def store(backend, fam):
        """The family's policies in this backend: id -> {Id, Type, Config, ETag, LastModifiedTime}."""
        key = f"_infractl_{fam.path}"
        if not hasattr(backend, key):
            policies = {}
            for pid, (name, config) in fam.managed.items():
                config = dict(config, Name=f"Managed-{name}")
                policies[pid] = {"Id": pid, "Type": "managed", "Config": config, "ETag": "E23ZP02F085DFQ",
                                 "LastModifiedTime": dt.datetime(2020, 6, 1, tzinfo=dt.timezone.utc)}
            setattr(backend, key, policies)
        return getattr(backend, key)

    def find(self, fam):
        policies = store(self.backend, fam)
        pid = self._get_param("Id")
        if pid not in policies:
            raise error(f"NoSuch{fam.noun}", f"The {fam.noun} does not exist.")
        return policies, pid, policies[pid]

    def in_use(backend, fam, pid, depth=0, obj=None):
        """Whether a distribution's default or ordered cache behavior names the policy."""
        if obj is None:
            return any(in_use(backend, fam, pid, 1, d) for d in backend.distributions.values())
        if depth > 6:
            return False
        if isinstance(obj, dict):
            return any(in_use(backend, fam, pid, depth + 1, v) for v in obj.values())
        if isinstance(obj, (list, tuple)):
            return any(in_use(backend, fam, pid, depth + 1, v) for v in obj)
        if hasattr(obj, "__dict__"):
            if getattr(obj, fam.behavior_attr, None) == pid:
                return True
            return any(in_use(backend, fam, pid, depth + 1, v) for v in vars(obj).values())
        return False

    def unique_name(policies, fam, name, own_id=None):
        for p in policies.values():
            if p["Config"].get("Name") == name and p["Id"] != own_id:
                raise error(f"{fam.noun}AlreadyExists", f"A {fam.noun} with this name already exists.")

    def check_if_match(self, policy):
        if_match = self._get_param("IfMatch")
        if not if_match:
            raise error("InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.")
        if if_match != policy["ETag"]:
            raise error("PreconditionFailed", "The If-Match version does not match the current ETag.")

    def view(fam, policy):
        return {"Id": policy["Id"], "LastModifiedTime": policy["LastModifiedTime"], fam.config: policy["Config"]}

    def create(fam):
        def handler(self):
            policies = store(self.backend, fam)
            config = self._get_param(fam.config) or {}
            fam.check(config)
            unique_name(policies, fam, config.get("Name"))
            pid = str(mock_random.uuid4())
            policy = {"Id": pid, "Type": "custom", "Config": config, "ETag": mock_random.get_random_hex(14).upper(),
                      "LastModifiedTime": now()}
            policies[pid] = policy
            return ActionResult({
                fam.noun: view(fam, policy),
                "Location": f"https://cloudfront.amazonaws.com/2020-05-31/{fam.path}/{pid}",
                "ETag": policy["ETag"],
            })
        return handler

    def get(fam):
        def handler(self):
            _, _, policy = find(self, fam)
            return ActionResult({fam.noun: view(fam, policy), "ETag": policy["ETag"]})
        return handler

    def get_config(fam):
        def handler(self):
            _, _, policy = find(self, fam)
            return ActionResult({fam.config: policy["Config"], "ETag": policy["ETag"]})
        return handler

    def update(fam):
        def handler(self):
            policies, pid, policy = find(self, fam)
            if policy["Type"] == "managed":
                raise error("IllegalUpdate", "A managed policy cannot be updated.")
            check_if_match(self, policy)
            config = self._get_param(fam.config) or {}
            fam.check(config)
            unique_name(policies, fam, config.get("Name"), pid)
            policy.update(Config=config, ETag=mock_random.get_random_hex(14).upper(), LastModifiedTime=now())
            return ActionResult({fam.noun: view(fam, policy), "ETag": policy["ETag"]})
        return handler

    def delete(fam):
        def handler(self):
            policies, pid, policy = find(self, fam)
            if policy["Type"] == "managed":
                raise error("IllegalDelete", "A managed policy cannot be deleted.")
            check_if_match(self, policy)
            if in_use(self.backend, fam, pid):
                raise error(f"{fam.noun}InUse", f"Cannot delete the {fam.noun}: a distribution uses it.")
            del policies[pid]
            return EmptyResult()
        return handler

    def listing(fam):
        def handler(self):
            wanted = self._get_param("Type")
            items = [
                {"Type": p["Type"], fam.noun: view(fam, p)}
                for p in store(self.backend, fam).values()
                if not wanted or p["Type"] == wanted
            ]
            body = {"MaxItems": self._get_int_param("MaxItems") or 100, "Quantity": len(items)}
            if items:
                body["Items"] = items
            return ActionResult({f"{fam.noun}List": body})
        return handler

    for key, fam in families.items():
        urls.url_paths[f"{{0}}/2020-05-31/{fam.path}$"] = CloudFrontResponse.dispatch
        urls.url_paths[f"{{0}}/2020-05-31/{fam.path}/(?P<Id>[^/]+)$"] = CloudFrontResponse.dispatch
        urls.url_paths[f"{{0}}/2020-05-31/{fam.path}/(?P<Id>[^/]+)/config$"] = CloudFrontResponse.dispatch
        setattr(CloudFrontResponse, f"create_{key}_policy", create(fam))
        setattr(CloudFrontResponse, f"get_{key}_policy", get(fam))
        setattr(CloudFrontResponse, f"get_{key}_policy_config", get_config(fam))
        setattr(CloudFrontResponse, f"update_{key}_policy", update(fam))
        setattr(CloudFrontResponse, f"delete_{key}_policy", delete(fam))
        setattr(CloudFrontResponse, f"list_{key}_policies", listing(fam))
def patch_cloudfront_distributions():
    """CloudFront distributions and origin access controls as AWS keeps them.

    moto drops what AWS stores and returns: an origin's OriginAccessControlId and
    S3OriginConfig, a cache behavior's FunctionAssociations, LambdaFunctionAssociations and
    GrpcConfig. It refuses a default behavior that targets an origin group (AWS takes an
    origin's or an origin group's id: failover). It invents what AWS does not return:
    ForwardedValues on a behavior that uses a cache policy (AWS returns none), SSLSupportMethod
    "sni-only" with the default certificate (AWS returns none), CloudFrontDefaultCertificate
    true beside an ACM certificate (AWS says false). It ignores IfMatch and never changes an
    ETag: AWS gives every version of a
    distribution or control a new ETag and refuses an update or delete whose IfMatch is not the
    current one (PreconditionFailed). It deletes an enabled distribution, which AWS refuses
    (DistributionNotDisabled: disable, wait for Deployed, then delete), and an origin access
    control that a distribution still uses (OriginAccessControlInUse).
    """
    from moto.cloudfront import models as cf
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult

    class PreconditionFailed(CloudFrontException):
        def __init__(self):
            super().__init__(
                "PreconditionFailed",
                "The precondition in one or more of the request fields evaluated to false.",
            )

    class DistributionNotDisabled(CloudFrontException):
        def __init__(self):
            super().__init__(
                "DistributionNotDisabled",
                "The distribution you are trying to delete has not been disabled.",
            )

    class OriginAccessControlInUse(CloudFrontException):
        def __init__(self):
            super().__init__(
                "OriginAccessControlInUse",
                "Cannot delete this origin access control because it's in use by one or more origins.",
            )

    original_origin = cf.Origin.__init__

    def origin_init(self, origin):
        original_origin(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""
        self.s3_origin_config = origin.get("S3OriginConfig")
        self.vpc_origin_config = origin.get("VpcOriginConfig")

    original_behavior = cf.DefaultCacheBehaviour.__init__

    def behavior_init(self, config):
        original_behavior(self, config)
        self.lambda_function_associations = config.get("LambdaFunctionAssociations") or {"Quantity": 0}
        self.function_associations = config.get("FunctionAssociations") or {"Quantity": 0}
        self.response_headers_policy_id = config.get("ResponseHeadersPolicyId") or ""
        # AWS keeps a behavior's gRPC setting and answers it (disabled when never set).
        self.grpc_config = config.get("GrpcConfig") or {"Enabled": False}
        if "ForwardedValues" not in config:
            self.forwarded_values = None

    original_config = cf.DistributionConfig.__init__

    def config_init(self, config):
        # AWS lets a behavior target an origin group as well as an origin; moto checks the
        # default behavior's target against the origins only, so an origin group's id is
        # checked here and put back after moto's check.
        groups = {g.get("Id") for g in (config.get("OriginGroups") or {}).get("Items") or []}
        behavior = config.get("DefaultCacheBehavior") or {}
        target = behavior.get("TargetOriginId")
        origins = (config.get("Origins") or {}).get("Items") or []
        if target in groups and origins:
            config["DefaultCacheBehavior"] = dict(behavior, TargetOriginId=origins[0]["Id"])
            original_config(self, config)
            self.DefaultCacheBehavior.target_origin_id = target
        else:
            original_config(self, config)

    original_certificate = cf.ViewerCertificate.__init__

    def certificate_init(self, config):
        original_certificate(self, config)
        if not config.get("SSLSupportMethod"):
            self.ssl_support_method = None
        # AWS answers CloudFrontDefaultCertificate false for an ACM or IAM certificate.
        if "CloudFrontDefaultCertificate" not in config and (
            config.get("ACMCertificateArn") or config.get("IAMCertificateId")
        ):
            self.cloud_front_default_certificate = False

    def current(backend, distribution_id, if_match):
        if distribution_id not in backend.distributions:
            raise cf.NoSuchDistribution
        dist = backend.distributions[distribution_id]
        if not if_match:
            raise cf.InvalidIfMatchVersion
        if if_match != dist.etag:
            raise PreconditionFailed()
        return dist

    original_update = cf.CloudFrontBackend.update_distribution

    def update_distribution(self, dist_config, _id, if_match):
        current(self, _id, if_match)
        dist, location, _ = original_update(self, dist_config, _id, if_match)
        dist.etag = cf.random_id()
        # AWS deploys the new configuration: InProgress, then Deployed.
        dist.status = "InProgress"
        return dist, location, dist.etag

    def delete_distribution(self, distribution_id, if_match):
        dist = current(self, distribution_id, if_match)
        if dist.distribution_config.Enabled:
            raise DistributionNotDisabled()
        del self.distributions[distribution_id]

    def control_in_use(backend, control_id):
        for dist in backend.distributions.values():
            for o in dist.distribution_config.Origins["Items"]:
                if getattr(o, "origin_access_control_id", "") == control_id:
                    return True
        return False

    def checked_control(backend, control_id, if_match):
        control = backend.get_origin_access_control(control_id)
        if not if_match:
            raise cf.InvalidIfMatchVersion
        if if_match != control.etag:
            raise PreconditionFailed()
        return control

    def update_origin_access_control(self):
        control_id = self._get_param("Id")
        checked_control(self.backend, control_id, self._get_param("IfMatch"))
        config = self._get_param("OriginAccessControlConfig", {})
        control = self.backend.update_origin_access_control(control_id, config)
        control.etag = cf.random_id()
        return ActionResult(
            {
                "OriginAccessControl": {"Id": control.id, "OriginAccessControlConfig": control},
                "ETag": control.etag,
            }
        )

    def delete_origin_access_control(self):
        control_id = self._get_param("Id")
        checked_control(self.backend, control_id, self._get_param("IfMatch"))
        if control_in_use(self.backend, control_id):
            raise OriginAccessControlInUse()
        self.backend.delete_origin_access_control(control_id)
        return EmptyResult()

    cf.Origin.__init__ = origin_init
    cf.DefaultCacheBehaviour.__init__ = behavior_init
    cf.DistributionConfig.__init__ = config_init
    cf.ViewerCertificate.__init__ = certificate_init
    cf.CloudFrontBackend.update_distribution = update_distribution
    cf.CloudFrontBackend.delete_distribution = delete_distribution
    CloudFrontResponse.update_origin_access_control = update_origin_access_control
    CloudFrontResponse.delete_origin_access_control = delete_origin_access_control

def patch_cloudfront_functions():
    """CloudFront Functions with their two stages, as AWS keeps them (moto 5.2.5 keeps one copy).

    AWS holds a function in a DEVELOPMENT stage (what CreateFunction and UpdateFunction write)
    and, once published, a LIVE stage (what distributions run): PublishFunction copies
    DEVELOPMENT to LIVE. Each stage has its own ETag; every UpdateFunction gives DEVELOPMENT a
    new one, every PublishFunction gives LIVE a new one. DescribeFunction and GetFunction take
    ?Stage=DEVELOPMENT|LIVE (DEVELOPMENT by default) and answer that stage's summary or code
    bytes with its ETag (a header); asking for LIVE before any publish answers
    NoSuchFunctionExists. UpdateFunction, PublishFunction and DeleteFunction name DEVELOPMENT's
    current ETag in If-Match: missing answers InvalidIfMatchVersion, stale PreconditionFailed.
    Status is UNPUBLISHED until a publish and again after each update (even one that leaves
    the code as LIVE runs it), else
    UNASSOCIATED, or ASSOCIATED when a distribution's cache behavior names the function's ARN;
    such a function cannot be deleted (FunctionInUse). moto answers no UpdateFunction or
    PublishFunction, ignores Stage and If-Match, and keeps one ETag for ever.
    """
    from moto.cloudfront import models as cf
    from moto.cloudfront import urls
    from moto.cloudfront.exceptions import CloudFrontException, NoSuchFunctionExists
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow

    def stage_of(self):
        stage = (self._get_param("Stage") or "DEVELOPMENT").upper()
        if stage not in ("DEVELOPMENT", "LIVE"):
            raise CloudFrontException("InvalidArgument", f"Stage {stage} is not valid.")
        return stage

    def stages(fn):
        """The function's stages: {"DEVELOPMENT": {...}, "LIVE": {...} once published}."""
        if not hasattr(fn, "_infractl_stages"):
            fn._infractl_stages = {
                "DEVELOPMENT": {"Config": fn.config, "Code": fn.code or b"", "ETag": fn.etag,
                                "LastModifiedTime": fn.last_modified_time},
            }
        return fn._infractl_stages

    def associated_arns(behavior):
        assoc = getattr(behavior, "function_associations", None) or {}
        items = assoc.get("Items") or [] if isinstance(assoc, dict) else []
        if isinstance(items, dict):
            items = items.get("FunctionAssociation") or []
        if isinstance(items, dict):
            items = [items]
        return [i.get("FunctionARN") for i in items if isinstance(i, dict)]

    def behaviors(config):
        """A distribution's default and ordered cache behaviors (moto keeps the config's keys)."""
        found = [getattr(config, "DefaultCacheBehavior", None)]
        ordered = getattr(config, "CacheBehaviors", None) or {}
        items = ordered.get("Items") or [] if isinstance(ordered, dict) else []
        if isinstance(items, dict):
            items = items.get("CacheBehavior") or []
        found.extend(items if isinstance(items, list) else [items])
        return [b for b in found if b is not None]

    def in_use(backend, arn):
        return any(
            arn in associated_arns(b)
            for dist in backend.distributions.values()
            for b in behaviors(dist.distribution_config)
        )

    def status(backend, fn, stage):
        st = stages(fn)
        if "LIVE" not in st or (stage == "DEVELOPMENT" and not st["DEVELOPMENT"].get("Published")):
            return "UNPUBLISHED"
        return "ASSOCIATED" if in_use(backend, fn.arn) else "UNASSOCIATED"

    def summary(backend, fn, stage):
        s = stages(fn)[stage]
        return {
            "Name": fn.name,
            "Status": status(backend, fn, stage),
            "FunctionConfig": s["Config"],
            "FunctionMetadata": {
                "FunctionARN": fn.arn,
                "Stage": stage,
                "CreatedTime": fn.created_time,
                "LastModifiedTime": s["LastModifiedTime"],
            },
        }

    def find(self, stage="DEVELOPMENT"):
        name = self._get_param("Name")
        fn = self.backend.describe_function(name)
        s = stages(fn).get(stage)
        if s is None:
            raise NoSuchFunctionExists(name)
        return fn, s

    def check_if_match(self, s):
        if_match = self._get_param("IfMatch")
        if not if_match:
            raise cf.InvalidIfMatchVersion
        if if_match != s["ETag"]:
            raise CloudFrontException(
                "PreconditionFailed",
                "The precondition in one or more of the request fields evaluated to false.",
            )

    def create_function(self):
        name = self._get_param("Name")
        fn = self.backend.create_function(
            name=name,
            function_config=self._get_param("FunctionConfig", {}) or {},
            function_code=self._get_param("FunctionCode") or b"",
            tags=self._get_param("Tags.Items", []) or [],
        )
        return ActionResult({
            "FunctionSummary": summary(self.backend, fn, "DEVELOPMENT"),
            "Location": f"https://cloudfront.amazonaws.com/2020-05-31/function/{name}",
            "ETag": stages(fn)["DEVELOPMENT"]["ETag"],
        })

    def describe_function(self):
        stage = stage_of(self)
        fn, s = find(self, stage)
        return ActionResult({"FunctionSummary": summary(self.backend, fn, stage), "ETag": s["ETag"]})

    def get_function(self):
        _, s = find(self, stage_of(self))
        return ActionResult({"FunctionCode": s["Code"], "ETag": s["ETag"], "ContentType": "application/octet-stream"})

    def update_function(self):
        fn, dev = find(self)
        check_if_match(self, dev)
        dev.update(
            Config=self._get_param("FunctionConfig", {}) or {},
            Code=self._get_param("FunctionCode") or b"",
            ETag=cf.random_id(),
            LastModifiedTime=utcnow(),
            Published=False,
        )
        fn.config, fn.code, fn.etag = dev["Config"], dev["Code"], dev["ETag"]
        return ActionResult({"FunctionSummary": summary(self.backend, fn, "DEVELOPMENT"), "ETag": dev["ETag"]})

    def publish_function(self):
        fn, dev = find(self)
        check_if_match(self, dev)
        dev["Published"] = True
        stages(fn)["LIVE"] = dict(dev, ETag=cf.random_id(), LastModifiedTime=utcnow())
        return ActionResult({"FunctionSummary": summary(self.backend, fn, "LIVE")})

    def delete_function(self):
        fn, dev = find(self)
        check_if_match(self, dev)
        if in_use(self.backend, fn.arn):
            raise CloudFrontException("FunctionInUse", "Cannot delete function, it's in use by a distribution.")
        del self.backend.functions[fn.name]
        return EmptyResult()

    def list_functions(self):
        wanted = (self._get_param("Stage") or "DEVELOPMENT").upper()
        items = [summary(self.backend, fn, wanted) for fn in self.backend.functions.values() if wanted in stages(fn)]
        body = {"MaxItems": self._get_int_param("MaxItems") or 100, "Quantity": len(items)}
        if items:
            body["Items"] = items
        return ActionResult({"FunctionList": body})

    urls.url_paths["{0}/2020-05-31/function/(?P<function_name>[^/]+)/publish$"] = CloudFrontResponse.dispatch
    CloudFrontResponse.create_function = create_function
    CloudFrontResponse.describe_function = describe_function
    CloudFrontResponse.get_function = get_function
    CloudFrontResponse.update_function = update_function
    CloudFrontResponse.publish_function = publish_function
    CloudFrontResponse.delete_function = delete_function
    CloudFrontResponse.list_functions = list_functions


def patch_logs_kms_keys():
    """CloudWatch Logs: AssociateKmsKey and DisassociateKmsKey by log group name.

    AWS encrypts a log group's new data with the KMS key AssociateKmsKey names (DescribeLogGroups
    then reports it as kmsKeyId) and stops with DisassociateKmsKey; both answer
    ResourceNotFoundException for an unknown group. moto 5.2.5 lacks both (500), so a log group
    could take its key only when created.
    """
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.responses import LogsResponse

    def group(self):
        name = self._get_param("logGroupName")
        found = self.logs_backend.groups.get(name)
        if found is None:
            raise ResourceNotFoundException()
        return found

    def associate_kms_key(self):
        group(self).kms_key_id = self._get_param("kmsKeyId")
        return ""

    def disassociate_kms_key(self):
        group(self).kms_key_id = None
        return ""

    LogsResponse.associate_kms_key = associate_kms_key
    LogsResponse.disassociate_kms_key = disassociate_kms_key


def patch_logs_group_class():
    """CloudWatch Logs keeps each log group's class: CreateLogGroup takes logGroupClass
    (STANDARD, INFREQUENT_ACCESS or DELIVERY; "If you omit this parameter, the default of
    STANDARD is used") and DescribeLogGroups answers it. moto 5.2.5 drops the parameter and
    answers no class, so an infrequent-access group read back as a group of no class.
    """
    from moto.logs.models import LogGroup
    from moto.logs.responses import LogsResponse

    original_create = LogsResponse.create_log_group
    original_describe = LogGroup.to_describe_dict

    def create_log_group(self):
        answer = original_create(self)
        group = self.logs_backend.groups.get(self._get_param("logGroupName"))
        if group is not None:
            group.log_group_class = self._get_param("logGroupClass") or "STANDARD"
        return answer

    def to_describe_dict(self):
        described = original_describe(self)
        described["logGroupClass"] = getattr(self, "log_group_class", "STANDARD")
        return described

    LogsResponse.create_log_group = create_log_group
    LogGroup.to_describe_dict = to_describe_dict


def patch_kms():
    """KMS: rotation periods, the ScheduleKeyDeletion answer and key states, as AWS has them.

    - EnableKeyRotation takes RotationPeriodInDays (90 to 2560, ValidationException outside;
      365 when not given) and GetKeyRotationStatus reports it with NextRotationDate while
      rotation is on, and the key ARN as KeyId. moto ignores the period and reports neither.
      AWS refuses to rotate a disabled key (DisabledException) and keys other than symmetric
      encryption ones (UnsupportedOperationException); moto accepts both.
    - ScheduleKeyDeletion answers the key ARN as KeyId, DeletionDate, KeyState
      (PendingDeletion) and PendingWindowInDays, refuses a window outside 7..30 days
      (ValidationException) and a key already pending deletion (KMSInvalidStateException
      "... is pending deletion."). moto answers the id it was given and DeletionDate only,
      ignores a bad window and schedules again.
    - A key pending deletion takes no changes and no new aliases: AWS answers
      KMSInvalidStateException to UpdateKeyDescription, PutKeyPolicy, Enable/DisableKey,
      Enable/DisableKeyRotation, TagResource and Create/UpdateAlias aimed at it; moto applies them.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.core.utils import unix_time, utcnow
    from moto.kms.exceptions import ValidationException
    from moto.kms.responses import KmsResponse

    def key_of(response, key_id):
        backend = response.kms_backend
        try:
            raw = backend.any_id_to_key_id(key_id or "")
        except Exception:
            return None
        return backend.keys.get(raw)

    def refuse_pending(response, key_id):
        key = key_of(response, key_id)
        if key is not None and key.key_state == "PendingDeletion":
            raise JsonRESTError("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        return key

    def guarded(name, param="KeyId"):
        original = getattr(KmsResponse, name)

        def call(self):
            refuse_pending(self, self._get_param(param))
            return original(self)

        setattr(KmsResponse, name, call)

    for name in ("update_key_description", "put_key_policy", "enable_key", "disable_key",
                 "disable_key_rotation", "tag_resource"):
        guarded(name)
    guarded("create_alias", "TargetKeyId")
    guarded("update_alias", "TargetKeyId")

    original_enable_rotation = KmsResponse.enable_key_rotation

    def enable_key_rotation(self):
        key = refuse_pending(self, self._get_param("KeyId"))
        period = self._get_param("RotationPeriodInDays")
        if period is not None and not 90 <= int(period) <= 2560:
            raise ValidationException(
                f"1 validation error detected: Value '{period}' at 'rotationPeriodInDays' failed to "
                "satisfy constraint: Member must have value between 90 and 2560"
            )
        if key is not None and not key.enabled:
            raise JsonRESTError("DisabledException", f"{key.arn} is disabled.")
        if key is not None and (key.key_spec != "SYMMETRIC_DEFAULT" or key.origin != "AWS_KMS"):
            raise JsonRESTError("UnsupportedOperationException", f"{key.arn} key type is not supported for this operation.")
        result = original_enable_rotation(self)
        if key is not None:
            key.rotation_period_in_days = int(period) if period is not None else 365
        return result

    original_rotation_status = KmsResponse.get_key_rotation_status

    def get_key_rotation_status(self):
        answer = json.loads(original_rotation_status(self))
        key = key_of(self, self._get_param("KeyId"))
        if key is not None:
            answer["KeyId"] = key.arn
            if answer.get("KeyRotationEnabled"):
                period = getattr(key, "rotation_period_in_days", 365)
                answer["RotationPeriodInDays"] = period
                answer["NextRotationDate"] = unix_time(utcnow() + datetime.timedelta(days=period))
        return json.dumps(answer)

    original_schedule = KmsResponse.schedule_key_deletion

    def schedule_key_deletion(self):
        key = refuse_pending(self, self._get_param("KeyId"))
        window = self._get_param("PendingWindowInDays")
        window = 30 if window is None else int(window)
        if not 7 <= window <= 30:
            raise ValidationException(
                f"1 validation error detected: Value '{window}' at 'pendingWindowInDays' failed to "
                "satisfy constraint: Member must have value between 7 and 30"
            )
        answer = json.loads(original_schedule(self))
        if key is not None:
            answer.update({"KeyId": key.arn, "KeyState": key.key_state, "PendingWindowInDays": window})
        return json.dumps(answer)

    KmsResponse.enable_key_rotation = enable_key_rotation
    KmsResponse.get_key_rotation_status = get_key_rotation_status
    KmsResponse.schedule_key_deletion = schedule_key_deletion


def patch_kms_imported_material_and_replicas():
    """KMS: keys with imported key material (Origin EXTERNAL) and multi-Region replicas, as AWS
    documents them. moto 5.2.5 has no GetParametersForImport, ImportKeyMaterial or
    DeleteImportedKeyMaterial, makes an EXTERNAL key Enabled at once, and its ReplicateKey shares
    one MultiRegionConfiguration (and grant and alias tables) between the primary and the replica,
    so the primary reads as a REPLICA once the replica was described, and it ignores the
    replica's Description, Policy and Tags.

    - CreateKey with Origin EXTERNAL makes a key without material: KeyState PendingImport,
      Enabled false; EnableKey refuses such a key (KMSInvalidStateException).
    - GetParametersForImport (RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256 with RSA_2048, RSA_3072
      or RSA_4096) answers a fresh RSA public key (DER SubjectPublicKeyInfo), an import token
      and ParametersValidTo (24 hours on); keys that are not EXTERNAL are refused
      (UnsupportedOperationException).
    - ImportKeyMaterial decrypts the material with the token's private key, as AWS does, so
      material wrapped wrongly is refused (InvalidCiphertextException), as are an unknown token
      (InvalidImportTokenException), material that is not 256 bits, material other than what
      the key (or, for a replica, its primary) already had (IncorrectKeyMaterialException),
      ValidTo without KEY_MATERIAL_EXPIRES or the reverse, and ValidTo that is not in the next
      365 days (ValidationException). The key becomes Enabled and DescribeKey reports
      ExpirationModel and ValidTo. DeleteImportedKeyMaterial puts it back to PendingImport.
    - ReplicateKey refuses a key that is not a multi-Region primary
      (UnsupportedOperationException), the primary's own Region (ValidationException) and a
      Region that has a replica already (AlreadyExistsException); the replica gets its own
      Description (empty unless given), Policy (the default one unless given), Tags and
      configuration (REPLICA, naming the primary), and is PendingImport when the primary is
      EXTERNAL. The answer carries the replica's policy and tags.
    """
    import base64
    import copy as copy_module
    import secrets

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from moto.core.exceptions import JsonRESTError
    from moto.core.utils import unix_time, utcnow
    from moto.kms.exceptions import ValidationException
    from moto.kms.models import Key, kms_backends
    from moto.kms.responses import KmsResponse

    wrapping = {}  # import token -> (key id, private key, hash)

    def key_of(response, key_id):
        backend = response.kms_backend
        try:
            raw = backend.any_id_to_key_id(key_id or "")
        except Exception:
            raw = None
        key = backend.keys.get(raw) if raw else None
        if key is None:
            raise JsonRESTError("NotFoundException", f"Key '{key_id}' does not exist")
        if key.key_state == "PendingDeletion":
            raise JsonRESTError("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        return key

    def external(key):
        if key.origin != "EXTERNAL":
            raise JsonRESTError(
                "UnsupportedOperationException",
                f"{key.arn} origin is {key.origin} which is not valid for this operation.",
            )

    original_create = KmsResponse.create_key

    def create_key(self):
        answer = json.loads(original_create(self))
        if (self._get_param("Origin") or "AWS_KMS") == "EXTERNAL":
            key = self.kms_backend.keys[answer["KeyMetadata"]["KeyId"]]
            key.key_state, key.enabled = "PendingImport", False
            answer = key.to_dict()
        return json.dumps(answer)

    original_enable = KmsResponse.enable_key

    def enable_key(self):
        key = key_of(self, self._get_param("KeyId"))
        if key.key_state == "PendingImport":
            raise JsonRESTError("KMSInvalidStateException", f"{key.arn} is pending import.")
        return original_enable(self)

    def get_parameters_for_import(self):
        key = key_of(self, self._get_param("KeyId"))
        external(key)
        algorithm = self._get_param("WrappingAlgorithm")
        spec = self._get_param("WrappingKeySpec")
        hashers = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}
        sizes = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
        if algorithm not in hashers or spec not in sizes:
            raise ValidationException(
                f"1 validation error detected: WrappingAlgorithm {algorithm} with WrappingKeySpec "
                f"{spec} is not supported"
            )
        private = rsa.generate_private_key(public_exponent=65537, key_size=sizes[spec])
        token = secrets.token_bytes(64)
        wrapping[token] = (key.id, private, hashers[algorithm])
        public = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return json.dumps({
            "KeyId": key.arn,
            "ImportToken": base64.b64encode(token).decode(),
            "PublicKey": base64.b64encode(public).decode(),
            "ParametersValidTo": unix_time(utcnow() + datetime.timedelta(hours=24)),
        })

    def primary_material(self, key):
        config = getattr(key, "multi_region_configuration", None) if key.multi_region else None
        if not config or config.get("MultiRegionKeyType") != "REPLICA":
            return None
        region = config["PrimaryKey"]["Region"]
        primary = kms_backends[key.account_id][region].keys.get(key.id)
        return getattr(primary, "imported_material", None)

    def import_key_material(self):
        key = key_of(self, self._get_param("KeyId"))
        external(key)
        token = base64.b64decode(self._get_param("ImportToken") or "")
        entry = wrapping.get(token)
        if entry is None or entry[0] != key.id:
            raise JsonRESTError("InvalidImportTokenException", "The import token is not valid for this KMS key.")
        _, private, hasher = entry
        try:
            material = private.decrypt(
                base64.b64decode(self._get_param("EncryptedKeyMaterial") or ""),
                padding.OAEP(mgf=padding.MGF1(algorithm=hasher()), algorithm=hasher(), label=None),
            )
        except ValueError:
            raise JsonRESTError("InvalidCiphertextException", "The encrypted key material could not be decrypted.")
        if len(material) != 32:
            raise JsonRESTError("IncorrectKeyMaterialException", "Key material must be 256 bits for a symmetric key.")
        model = self._get_param("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
        valid_to = self._get_param("ValidTo")
        if model == "KEY_MATERIAL_EXPIRES" and valid_to is None:
            raise ValidationException("A validTo date must be specified if the ExpirationModel is KEY_MATERIAL_EXPIRES")
        if model == "KEY_MATERIAL_DOES_NOT_EXPIRE" and valid_to is not None:
            raise ValidationException("A validTo date must not be specified if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
        if valid_to is not None:
            now = unix_time(utcnow())
            if not now < float(valid_to) <= now + 365 * 86400:
                raise ValidationException("ValidTo must be a date and time in the future, at most 365 days from now.")
        known = getattr(key, "imported_material", None) or primary_material(self, key)
        if known is not None and known != material:
            raise JsonRESTError(
                "IncorrectKeyMaterialException",
                "The key material is not the key material that was previously imported into this KMS key.",
            )
        del wrapping[token]
        key.imported_material = material
        key.expiration_model = model
        key.valid_to = float(valid_to) if valid_to is not None else None
        if key.key_state == "PendingImport":
            key.key_state, key.enabled = "Enabled", True
        return json.dumps({})

    def delete_imported_key_material(self):
        key = key_of(self, self._get_param("KeyId"))
        external(key)
        key.imported_material = None
        key.expiration_model = None
        key.valid_to = None
        key.key_state, key.enabled = "PendingImport", False
        return json.dumps({})

    original_to_dict = Key.to_dict

    def to_dict(self):
        answer = original_to_dict(self)
        metadata = answer["KeyMetadata"]
        if self.origin == "EXTERNAL" and getattr(self, "expiration_model", None):
            metadata["ExpirationModel"] = self.expiration_model
            if self.valid_to is not None:
                metadata["ValidTo"] = self.valid_to
        return answer

    def replicate_key(self):
        primary = key_of(self, self._get_param("KeyId"))
        config = getattr(primary, "multi_region_configuration", None) if primary.multi_region else None
        if not config or config["PrimaryKey"]["Arn"] != primary.arn:
            raise JsonRESTError(
                "UnsupportedOperationException", f"{primary.arn} is not a multi-Region primary key."
            )
        region = self._get_param("ReplicaRegion")
        if region == self.region:
            raise ValidationException(f"The replica Region {region} is the primary key's Region.")
        target = kms_backends[self.current_account][region]
        if primary.id in target.keys:
            raise JsonRESTError("AlreadyExistsException", f"A replica of {primary.arn} already exists in {region}.")
        replica = copy_module.copy(primary)
        replica.region = region
        replica.arn = primary.arn.replace(f":{self.region}:", f":{region}:")
        replica.grants, replica.aliases, replica.rotations = {}, {}, []
        replica.description = self._get_param("Description") or ""
        replica.policy = self._get_param("Policy") or replica.generate_default_policy()
        replica.creation_date = unix_time()
        replica.deletion_date = None
        replica.imported_material = None
        replica.expiration_model = None
        replica.valid_to = None
        if primary.origin == "EXTERNAL":
            replica.key_state, replica.enabled = "PendingImport", False
        else:
            replica.key_state, replica.enabled = "Enabled", True
        entry = {"Arn": replica.arn, "Region": region}
        config["ReplicaKeys"].append(entry)
        replica.multi_region_configuration = {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": dict(config["PrimaryKey"]),
            "ReplicaKeys": [],
        }
        target.keys[replica.id] = replica
        tags = self._get_param("Tags") or []
        if tags:
            target.tag_resource(replica.id, {t["TagKey"]: t.get("TagValue", "") for t in tags})
        return json.dumps({
            "ReplicaKeyMetadata": replica.to_dict()["KeyMetadata"],
            "ReplicaPolicy": replica.policy,
            "ReplicaTags": tags,
        })

    KmsResponse.create_key = create_key
    KmsResponse.enable_key = enable_key
    KmsResponse.get_parameters_for_import = get_parameters_for_import
    KmsResponse.import_key_material = import_key_material
    KmsResponse.delete_imported_key_material = delete_imported_key_material
    KmsResponse.replicate_key = replicate_key
    Key.to_dict = to_dict


def patch_cloudwatch_alarm_tags_deleted():
    """DeleteAlarms deletes the alarms' tags with them, as in AWS; moto 5.2.5 kept the tags under
    the alarm's ARN, and an alarm's ARN is made of its name, so the next alarm of that name (made
    by another tool or stack) was answered with the deleted one's tags.
    """
    from moto.cloudwatch.models import CloudWatchBackend

    original_delete = CloudWatchBackend.delete_alarms

    def delete_alarms(self, alarm_names):
        arns = [self.alarms[n].alarm_arn for n in alarm_names if n in self.alarms]
        original_delete(self, alarm_names)
        for arn in arns:
            self.tagger.delete_all_tags_for_resource(arn)

    CloudWatchBackend.delete_alarms = delete_alarms


def patch_cloudwatch_composite_alarms():
    """CloudWatch composite alarms (PutCompositeAlarm) and DescribeAlarms' AlarmTypes.

    moto 5.2.5 routes no PutCompositeAlarm (a 500), and DescribeAlarms ignores AlarmTypes,
    answering metric and composite alarms alike. As AWS documents them: PutCompositeAlarm creates
    or replaces the composite alarm of that name (AlarmRule 1..10240 characters; Tags are applied
    on create and ignored on update) and keeps ActionsSuppressor with its WaitPeriod and
    ExtensionPeriod; DescribeAlarms answers only the kinds AlarmTypes lists, and only metric
    alarms when AlarmTypes is omitted. Composite alarms live in moto's alarm table (an Alarm
    with its rule), so DeleteAlarms and the tagging calls reach them unchanged.
    """
    from moto.cloudwatch.exceptions import ValidationError
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult, EmptyResult

    def put_composite_alarm(self):
        name = self._get_param("AlarmName")
        rule = self._get_param("AlarmRule") or ""
        if not 1 <= len(rule) <= 10240:
            raise ValidationError(
                f"1 validation error detected: Value at 'alarmRule' failed to satisfy constraint: "
                f"Member must have length between 1 and 10240 (was {len(rule)})"
            )
        backend = self.cloudwatch_backend
        existing = backend.alarms.get(name)
        if existing is not None and existing.rule is None:
            raise ValidationError(f"The alarm {name} is a metric alarm, not a composite alarm.")
        enabled = self._get_bool_param("ActionsEnabled")
        alarm = backend.put_metric_alarm(
            name=name,
            namespace=None,
            metric_name=None,
            comparison_operator=None,
            evaluation_periods=None,
            period=None,
            threshold=None,
            statistic=None,
            description=self._get_param("AlarmDescription"),
            dimensions=[],
            alarm_actions=self._get_param("AlarmActions", []),
            ok_actions=self._get_param("OKActions", []),
            insufficient_data_actions=self._get_param("InsufficientDataActions", []),
            actions_enabled=True if enabled is None else enabled,
            rule=rule,
            tags=None if existing is not None else self._get_param("Tags", []),
        )
        if existing is not None:
            alarm.state_value = existing.state_value
            alarm.state_reason = existing.state_reason
            alarm.state_updated_timestamp = existing.state_updated_timestamp
        suppressor = self._get_param("ActionsSuppressor")
        alarm.actions_suppressor = suppressor
        alarm.actions_suppressor_wait_period = self._get_int_param("ActionsSuppressorWaitPeriod") if suppressor else None
        alarm.actions_suppressor_extension_period = (
            self._get_int_param("ActionsSuppressorExtensionPeriod") if suppressor else None
        )
        return EmptyResult()

    def composite(alarm):
        shown = {
            "AlarmName": alarm.name,
            "AlarmArn": alarm.alarm_arn,
            "AlarmRule": alarm.rule,
            "ActionsEnabled": alarm.actions_enabled,
            "AlarmActions": alarm.alarm_actions,
            "OKActions": alarm.ok_actions,
            "InsufficientDataActions": alarm.insufficient_data_actions,
            "AlarmConfigurationUpdatedTimestamp": alarm.configuration_updated_timestamp,
            "StateValue": alarm.state_value,
            "StateReason": alarm.state_reason,
            "StateUpdatedTimestamp": alarm.state_updated_timestamp,
        }
        if alarm.description is not None:
            shown["AlarmDescription"] = alarm.description
        if getattr(alarm, "actions_suppressor", None):
            shown["ActionsSuppressor"] = alarm.actions_suppressor
            shown["ActionsSuppressorWaitPeriod"] = alarm.actions_suppressor_wait_period
            shown["ActionsSuppressorExtensionPeriod"] = alarm.actions_suppressor_extension_period
        return shown

    def describe_alarms(self):
        backend = self.cloudwatch_backend
        action_prefix = self._get_param("ActionPrefix")
        name_prefix = self._get_param("AlarmNamePrefix")
        names = self._get_param("AlarmNames", [])
        state = self._get_param("StateValue")
        if action_prefix:
            alarms = backend.get_alarms_by_action_prefix(action_prefix)
        elif name_prefix:
            alarms = backend.get_alarms_by_alarm_name_prefix(name_prefix)
        elif names:
            alarms = backend.get_alarms_by_alarm_names(names)
        elif state:
            alarms = backend.get_alarms_by_state_value(state)
        else:
            alarms = backend.describe_alarms()
        kinds = self._get_param("AlarmTypes") or ["MetricAlarm"]
        alarms = list(alarms)
        result = {
            "MetricAlarms": [a for a in alarms if a.rule is None] if "MetricAlarm" in kinds else [],
            "CompositeAlarms": [composite(a) for a in alarms if a.rule is not None] if "CompositeAlarm" in kinds else [],
        }
        return ActionResult(result)

    CloudWatchResponse.put_composite_alarm = put_composite_alarm
    CloudWatchResponse.describe_alarms = describe_alarms


def patch_dynamodb_attribute_updates_put():
    """UpdateItem's AttributeUpdates PUT stores the value as it was sent, whatever its type
    (API reference, AttributeValueUpdate: "PUT - Adds the specified attribute to the item. If
    the attribute already exists, it is replaced by the new value"). moto 5.2.5 stored a BOOL,
    a B and a BS value as a string (`"True"`, `"b'...'"`) and deleted the attribute for a NULL
    value.
    """
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    original = Item.update_with_attribute_updates

    def update_with_attribute_updates(self, attribute_updates):
        rest = {}
        for name, update in attribute_updates.items():
            if update.get("Action", "PUT") == "PUT" and "Value" in update:
                self.attrs[name] = DynamoType(update["Value"])
            else:
                rest[name] = update
        return original(self, rest)

    Item.update_with_attribute_updates = update_with_attribute_updates


def patch_dynamodb_resource_policies():
    """DynamoDB resource-based policies: DeleteResourcePolicy on a table without a policy, and
    DeleteTable.

    AWS answers DeleteResourcePolicy for an existing table that has no policy with
    PolicyNotFoundException (ResourceNotFoundException is for a table that does not exist);
    moto 5.2.5 answers ResourceNotFoundException for both. AWS deletes a table's policy with the
    table (and its stream's); moto keeps it, so a new table of the same name inherited the old
    table's policy.
    """
    from moto.dynamodb.exceptions import PolicyNotFoundException
    from moto.dynamodb.models import DynamoDBBackend

    original_delete_policy = DynamoDBBackend.delete_resource_policy
    original_delete_table = DynamoDBBackend.delete_table

    def delete_resource_policy(self, resource_arn, expected_revision_id):
        table_name = resource_arn.split("/")[-1]
        if table_name in self.tables and resource_arn not in self.resource_policies:
            raise PolicyNotFoundException(
                f"Resource-based policy not found for the provided ResourceArn: {resource_arn}"
            )
        return original_delete_policy(self, resource_arn, expected_revision_id)

    def delete_table(self, name):
        table = original_delete_table(self, name)
        arn = table.table_arn
        for key in [k for k in self.resource_policies if k == arn or k.startswith(arn + "/stream/")]:
            self.resource_policies.pop(key)
        return table

    DynamoDBBackend.delete_resource_policy = delete_resource_policy
    DynamoDBBackend.delete_table = delete_table


def patch_iam_password_policy_ranges():
    """UpdateAccountPasswordPolicy: the lower bounds AWS documents.

    AWS refuses MinimumPasswordLength under 6, MaxPasswordAge under 1 and
    PasswordReusePrevention under 1 with ValidationError (IAM API reference); moto 5.2.5 checks
    only the upper bounds (128, 1095, 24), so an account could be given a 3-character minimum.
    """
    from moto.iam.models import AccountPasswordPolicy

    original_validate = AccountPasswordPolicy._validate

    def _validate(self, max_password_age, minimum_password_length, password_reuse_prevention):
        for key, value, low in (
            ("minimumPasswordLength", minimum_password_length, 6),
            ("maxPasswordAge", max_password_age, 1),
            ("passwordReusePrevention", password_reuse_prevention, 1),
        ):
            # moto passes 0 for an unsent MaxPasswordAge and None for an unsent reuse count.
            unsent = value is None or (key == "maxPasswordAge" and value == 0)
            if not unsent and value < low:
                self._errors.append(
                    self._format_error(
                        key=key,
                        value=value,
                        constraint=f"Member must have value greater than or equal to {low}",
                    )
                )
        original_validate(self, max_password_age, minimum_password_length, password_reuse_prevention)

    AccountPasswordPolicy._validate = _validate


def patch_iam_account_alias_delete():
    """DeleteAccountAlias deletes the alias it names, and only that one.

    AWS (IAM API reference, DeleteAccountAlias) takes the AccountAlias to delete and answers
    NoSuchEntity when the account has no such alias; moto 5.2.5 ignores the parameter and
    clears whatever alias the account has, so a destroy after the alias was renamed by hand
    deleted the new one.
    """
    from moto.iam.exceptions import NotFoundException
    from moto.iam.responses import IamResponse

    original = IamResponse.delete_account_alias

    def delete_account_alias(self):
        alias = self._get_param("AccountAlias")
        if alias not in self.backend.account_aliases:
            raise NotFoundException(f"The account alias {alias} cannot be found.")
        return original(self)

    IamResponse.delete_account_alias = delete_account_alias


def patch_iam_login_profiles():
    """Login profiles keep what CreateLoginProfile and UpdateLoginProfile are sent.

    AWS (IAM API reference): CreateLoginProfile takes PasswordResetRequired, and
    GetLoginProfile answers it; UpdateLoginProfile changes only what it is given (the password
    stays when none is sent, the reset flag when it is not sent). moto 5.2.5 dropped the flag
    on create (a profile made with a required reset read back false) and, on an update without
    a password, removed the password, which deleted the profile.
    """
    from moto.iam.responses import IamResponse

    original_create = IamResponse.create_login_profile

    def create_login_profile(self):
        result = original_create(self)
        required = self._get_param("PasswordResetRequired")
        user = self.backend.get_user(self._get_param("UserName"))
        user.password_reset_required = str(required).lower() == "true"
        result.result["LoginProfile"]["PasswordResetRequired"] = user.password_reset_required
        return result

    original_update = IamResponse.update_login_profile

    def update_login_profile(self):
        user = self.backend.get_login_profile(self._get_param("UserName"))
        kept_password, kept_flag = user.password, user.password_reset_required
        result = original_update(self)
        if self._get_param("Password") is None:
            user.password = kept_password
        if self._get_param("PasswordResetRequired") is None:
            user.password_reset_required = kept_flag
        else:
            user.password_reset_required = str(self._get_param("PasswordResetRequired")).lower() == "true"
        return result

    IamResponse.create_login_profile = create_login_profile
    IamResponse.update_login_profile = update_login_profile


def patch_lambda_event_source_mappings():
    """Lambda event source mappings as AWS documents them (CreateEventSourceMapping,
    UpdateEventSourceMapping, DeleteEventSourceMapping API references).

    - StartingPosition is "required for Amazon Kinesis and Amazon DynamoDB Streams sources":
      AWS refuses a stream mapping without it (InvalidParameterValueException; the wording
      here is ours); moto 5.2.5 invents TRIM_HORIZON, so a blueprint AWS refuses applied, and
      the invented value then planned a replacement forever.
    - One mapping per function and source: AWS answers ResourceConflictException for a second
      one; moto's check looks up a literal "func.function_arn" key and never fires.
    - Defaults AWS reports for stream sources when they are not sent: MaximumRecordAgeInSeconds
      -1, MaximumRetryAttempts -1, ParallelizationFactor 1, BisectBatchOnFunctionError false,
      TumblingWindowInSeconds 0; and MaximumBatchingWindowInSeconds 0 for every source. moto
      reports nothing.
    - UpdateEventSourceMapping with an empty FilterCriteria or ScalingConfig removes them (how
      the AWS provider removes them); moto stored the empty objects and reported them back.
    - StateTransitionReason is "USER_INITIATED" after a user's change (moto: "User initiated").
    - Updating or deleting a UUID Lambda does not have is ResourceNotFoundException (HTTP 404);
      moto answered a bare 404 without an error code, which SDKs cannot tell from a fault.
    - A deleted mapping stops feeding its function: moto left it linked to its queue, table or
      stream, which kept invoking the function.
    """
    from moto.awslambda.exceptions import LambdaClientError
    from moto.awslambda.models import EventSourceMapping, LambdaBackend
    from moto.awslambda.responses import LambdaResponse

    class MappingNotFound(LambdaClientError):
        code = 404

        def __init__(self, uuid):
            super().__init__(
                "ResourceNotFoundException", f"The resource you requested does not exist. (UUID: {uuid})"
            )

    original_create = LambdaBackend.create_event_source_mapping
    original_update = LambdaBackend.update_event_source_mapping
    original_delete = LambdaBackend.delete_event_source_mapping
    original_configuration = EventSourceMapping.get_configuration

    def service_of(arn):
        parts = (arn or "").split(":")
        return parts[2].lower() if len(parts) > 2 else ""

    def create_event_source_mapping(self, spec):
        source = spec.get("EventSourceArn") or ""
        service = service_of(source)
        if service in ("kinesis", "dynamodb") and not spec.get("StartingPosition"):
            raise LambdaClientError(
                "InvalidParameterValueException",
                "StartingPosition is required for Kinesis and DynamoDB Streams event sources.",
            )
        if spec.get("FunctionName"):
            fn = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec["FunctionName"])
            for esm in self._event_source_mappings.values():
                if esm.event_source_arn == source and esm.function_arn == fn.function_arn:
                    raise LambdaClientError(
                        "ResourceConflictException",
                        f'The event source arn (" {source} ") and function (" {spec["FunctionName"]} ") '
                        f"provided mapping already exists. Please update or delete the existing mapping "
                        f"with UUID {esm.uuid}",
                    )
        esm = original_create(self, spec)
        if esm.max_batch_window is None:
            esm.max_batch_window = 0
        if service in ("kinesis", "dynamodb"):
            for attr, default in (
                ("max_record_age", -1),
                ("max_retry_attempts", -1),
                ("parallelization_factor", 1),
                ("bisect_on_error", False),
                ("tumbling_window", 0),
            ):
                if getattr(esm, attr) is None:
                    setattr(esm, attr, default)
        return esm

    def update_event_source_mapping(self, uuid, spec):
        if self.get_event_source_mapping(uuid) is None:
            raise MappingNotFound(uuid)
        esm = original_update(self, uuid, spec)
        if "FilterCriteria" in spec and not (spec["FilterCriteria"] or {}).get("Filters"):
            esm.filter_criteria = None
        if "ScalingConfig" in spec and (spec["ScalingConfig"] or {}).get("MaximumConcurrency") is None:
            esm.scaling_config = None
        return esm

    def delete_event_source_mapping(self, uuid):
        esm = original_delete(self, uuid)
        if esm is None:
            raise MappingNotFound(uuid)
        from moto.dynamodb import dynamodb_backends
        from moto.kinesis.models import kinesis_backends
        from moto.sqs.models import sqs_backends

        account, region = self.account_id, self.region_name
        sources = list(sqs_backends[account][region].queues.values())
        sources += list(dynamodb_backends[account][region].tables.values())
        sources += list(kinesis_backends[account][region].streams.values())
        for source in sources:
            linked = getattr(source, "lambda_event_source_mappings", None) or {}
            for key in [k for k, v in linked.items() if v is esm]:
                linked.pop(key)
        return esm

    def get_configuration(self):
        answer = original_configuration(self)
        answer["StateTransitionReason"] = "USER_INITIATED"
        return answer

    # moto's responses answer a missing mapping with a bare 404 before the backend can raise.
    def update_response(self):
        uuid = self.path.split("/")[-1]
        result = self.backend.update_event_source_mapping(uuid, self.json_body)
        return 202, {"status": 202}, json.dumps(result.get_configuration())

    def delete_response(self):
        uuid = self.path.split("/")[-1]
        esm = self.backend.delete_event_source_mapping(uuid)
        answer = esm.get_configuration()
        answer["State"] = "Deleting"
        return 202, {"status": 202}, json.dumps(answer)

    LambdaBackend.create_event_source_mapping = create_event_source_mapping
    LambdaBackend.update_event_source_mapping = update_event_source_mapping
    LambdaBackend.delete_event_source_mapping = delete_event_source_mapping
    EventSourceMapping.get_configuration = get_configuration
    LambdaResponse.update_event_source_mapping = update_response
    LambdaResponse.delete_event_source_mapping = delete_response


def patch_ec2_prefix_list_cidrs():
    """DescribePrefixLists answers each list's CIDRs, as AWS documents (EC2 API reference,
    PrefixList: `Cidrs`, "the IP address range of the AWS service").

    moto 5.2.5 answers the AWS-managed lists (`com.amazonaws.REGION.s3`, `...dynamodb`) from its
    managed prefix lists, which have no `cidrs` attribute, so every list came back with no CIDRs
    while GetManagedPrefixListEntries listed them. The CIDRs are the list's current entries.
    """
    from moto.ec2.models.managed_prefixes import ManagedPrefixList

    def cidrs(self):
        if not self.entries:
            return []
        current = self.entries.get(self.version) or list(self.entries.values())[-1]
        return [e.get("Cidr") for e in current or [] if e.get("Cidr")]

    ManagedPrefixList.cidrs = property(cidrs)


def patch_events_archive_updates():
    """UpdateArchive applies a Description or RetentionDays it is sent even when it is empty or
    0 (0 keeps events indefinitely, as for an archive made without a retention). moto 5.2.5
    skipped falsy values, so a description could not be cleared nor a retention removed.
    """
    from moto.events.models import Archive, EventPattern

    def update(self, description, event_pattern, retention):
        if description is not None:
            self.description = description
        if event_pattern:
            self.event_pattern = EventPattern.load(event_pattern)
        if retention is not None:
            self.retention = retention

    Archive.update = update


def patch_events():
    """EventBridge buses, rules and targets as AWS documents them (UpdateEventBus, PutRule,
    ListTargetsByRule, TagResource, UntagResource, ListTagsForResource API references).

    - UpdateEventBus changes a bus's Description (empty clears it), KmsKeyIdentifier (none
      means an AWS-owned key) and DeadLetterConfig; moto 5.2.5 has no UpdateEventBus (HTTP 500).
    - Tags belong to the resource the ARN names; moto looks them up by the ARN's last segment,
      so bus "orders" answered the tags of a rule "orders" on the default bus, and rule
      "orders/paid" those of a rule "paid" on another bus (TagResource and UntagResource wrote
      to the wrong one too). A name no resource has is ResourceNotFoundException.
    - PutRule: State is one of ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
      (ValidationException otherwise; moto stored anything); "If you are updating an existing
      rule, any tags you specify in the PutRule operation are ignored" (moto added them).
    - ListTargetsByRule pages by target Id, unique within a rule; moto paged by target Arn, so
      two targets sending to the same ARN made NextToken start the same page again (a client
      following it never finished).
    """
    from moto.core.exceptions import JsonRESTError
    from moto.events import utils as events_utils
    from moto.events.exceptions import ResourceNotFoundException
    from moto.events.models import EventsBackend
    from moto.events.responses import EventsHandler

    events_utils.PAGINATION_MODEL["list_targets_by_rule"]["unique_attribute"] = "Id"

    states = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
    original_put_rule = EventsBackend.put_rule

    def put_rule(self, name, *args, **kwargs):
        state = kwargs.get("state")
        if state is not None and state not in states:
            raise JsonRESTError(
                "ValidationException",
                f"1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(states)}]",
            )
        try:
            existing = self.describe_rule(name, kwargs.get("event_bus_arn"))
        except Exception:
            existing = None
        if existing is not None:
            kwargs["tags"] = None
        return original_put_rule(self, name, *args, **kwargs)

    def resource_arn(self, arn):
        for bus in self.event_buses.values():
            if bus.arn == arn:
                return bus.arn
            for rule in bus.rules.values():
                if rule.arn == arn:
                    return rule.arn
        name = arn.split("/")[-1]
        raise ResourceNotFoundException(f"Resource {name} does not exist.")

    def list_tags_for_resource(self, arn):
        return self.tagger.list_tags_for_resource(resource_arn(self, arn))

    def tag_resource(self, arn, tags):
        self.tagger.tag_resource(resource_arn(self, arn), self.tagger.convert_dict_to_tags_input(tags))

    def untag_resource(self, arn, tag_keys):
        self.tagger.untag_resource_using_names(resource_arn(self, arn), tag_keys)

    def update_event_bus(self):
        from moto.core.utils import unix_time

        body = json.loads(self.body or "{}")
        bus = self.events_backend.describe_event_bus(body.get("Name") or "default")
        if "Description" in body:
            bus.description = body["Description"] or None
        bus.kms_key_identifier = body.get("KmsKeyIdentifier") or None
        if "DeadLetterConfig" in body:
            bus.dead_letter_config = body["DeadLetterConfig"] or None
        bus.last_modified_time = unix_time()
        answer = {"Arn": bus.arn, "Name": bus.name}
        for key, value in (
            ("Description", bus.description),
            ("KmsKeyIdentifier", bus.kms_key_identifier),
            ("DeadLetterConfig", bus.dead_letter_config),
        ):
            if value:
                answer[key] = value
        return json.dumps(answer), self.response_headers

    EventsBackend.put_rule = put_rule
    EventsBackend.list_tags_for_resource = list_tags_for_resource
    EventsBackend.tag_resource = tag_resource
    EventsBackend.untag_resource = untag_resource
    EventsHandler.update_event_bus = update_event_bus


def patch_stepfunctions_versions_and_validation():
    """Step Functions: ListStateMachineVersions and ValidateStateMachineDefinition.

    moto 5.x publishes versions (CreateStateMachine/UpdateStateMachine with publish) but has
    neither action (HTTP 404), and the AWS provider calls both: the second at every plan that
    changes a definition, the first in every read. AWS (Step Functions API reference) lists a
    machine's versions newest first, each with its ARN and creation date, and answers
    StateMachineDoesNotExist for an unknown machine. ValidateStateMachineDefinition answers
    `result` OK or FAIL with a diagnostic per problem; this checks what the Amazon States
    Language requires first (JSON, a `States` object, a `StartAt` naming one of them, every
    `Next` and `Default` naming one too), with AWS's codes, not every rule AWS checks.
    """
    import json
    from moto.core.responses import ActionResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def list_state_machine_versions(self):
        machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
        versions = sorted(getattr(machine, "versions", {}).values(), key=lambda v: v.version, reverse=True)
        return ActionResult(
            {
                "stateMachineVersions": [
                    {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions
                ]
            }
        )

    def problems(text):
        try:
            doc = json.loads(text)
        except ValueError as e:
            return [("INVALID_JSON_DESCRIPTION", f"Invalid JSON: {e}", "/")]
        if not isinstance(doc, dict) or not isinstance(doc.get("States"), dict):
            return [("SCHEMA_VALIDATION_FAILED", "The field 'States' is required", "/")]
        states = doc["States"]
        found = []
        start = doc.get("StartAt")
        if not isinstance(start, str):
            found.append(("SCHEMA_VALIDATION_FAILED", "The field 'StartAt' is required", "/"))
        elif start not in states:
            found.append(("MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {start}", "/StartAt"))
        for name, state in states.items():
            if not isinstance(state, dict):
                continue
            targets = [state.get("Next"), state.get("Default")]
            targets += [c.get("Next") for c in state.get("Choices") or [] if isinstance(c, dict)]
            for target in targets:
                if isinstance(target, str) and target not in states:
                    found.append(("MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {target}", f"/States/{name}"))
        return found

    def validate_state_machine_definition(self):
        found = problems(self._get_param("definition") or "")
        return ActionResult(
            {
                "result": "FAIL" if found else "OK",
                "diagnostics": [
                    {"severity": "ERROR", "code": code, "message": message, "location": location}
                    for code, message, location in found
                ],
                "truncated": False,
            }
        )

    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions
    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition


def patch_kinesis_streams():
    """Kinesis data streams as AWS documents them (Kinesis Data Streams API reference).

    - CreateStream takes `Tags` and tags the new stream with them (how the AWS provider tags a
      stream it creates); moto 5.2.5 drops them, so a new stream had none.
    - DeleteStream of a stream with registered consumers "fails with a ResourceInUseException"
      unless EnforceConsumerDeletion is true; moto deleted it and its consumers regardless.
    - DescribeStreamSummary reports ConsumerCount, the stream's registered consumers; moto
      leaves it out.
    - UpdateShardCount answers StreamName and StreamARN beside the shard counts; moto echoes the
      StreamName parameter (nothing when the stream is named by its ARN) and no StreamARN.
    - UpdateStreamMode (and the consumer calls, which take the stream's ARN) answer
      ResourceNotFoundException for a stream that does not exist; moto failed with HTTP 500.
    - DeregisterStreamConsumer by stream ARN and consumer name removes that consumer; moto kept
      it and removed every other consumer of the stream.
    """
    from moto.kinesis.exceptions import ResourceInUseError, StreamNotFoundError
    from moto.kinesis.models import KinesisBackend, Stream
    from moto.kinesis.responses import KinesisResponse

    original_create = KinesisBackend.create_stream
    original_summary = Stream.to_json_summary

    def create_stream(self, stream_name, shard_count, stream_mode=None, retention_period_hours=None, tags=None):
        stream = original_create(self, stream_name, shard_count, stream_mode, retention_period_hours)
        stream.tags.update(tags or {})
        return stream

    def create_response(self):
        self.kinesis_backend.create_stream(
            self._get_param("StreamName"),
            self._get_param("ShardCount"),
            stream_mode=self._get_param("StreamModeDetails"),
            tags=self._get_param("Tags"),
        )
        return "{}"

    def delete_response(self):
        stream = self.kinesis_backend.describe_stream(
            stream_arn=self._get_param("StreamARN"), stream_name=self._get_param("StreamName")
        )
        if stream.consumers and not self._get_param("EnforceConsumerDeletion"):
            raise ResourceInUseError(
                f"Stream {stream.stream_name} under account {self.current_account} has registered "
                "consumers. Set EnforceConsumerDeletion to delete them with the stream."
            )
        self.kinesis_backend.delete_stream(stream.arn, stream.stream_name)
        return "{}"

    def to_json_summary(self):
        answer = original_summary(self)
        answer["StreamDescriptionSummary"]["ConsumerCount"] = len(self.consumers)
        return answer

    def update_shard_count_response(self):
        stream = self.kinesis_backend.describe_stream(
            stream_arn=self._get_param("StreamARN"), stream_name=self._get_param("StreamName")
        )
        target = self._get_param("TargetShardCount")
        current = self.kinesis_backend.update_shard_count(stream.arn, stream.stream_name, target)
        return json.dumps(
            {
                "StreamName": stream.stream_name,
                "StreamARN": stream.arn,
                "CurrentShardCount": current,
                "TargetShardCount": target,
            }
        )

    def find_stream_by_arn(self, stream_arn):
        for stream in self.streams.values():
            if stream.arn == stream_arn:
                return stream
        raise StreamNotFoundError((stream_arn or "").split("/")[-1], self.account_id)

    def deregister_stream_consumer(self, stream_arn, consumer_name, consumer_arn):
        if stream_arn:
            stream = self._find_stream_by_arn(stream_arn)
            stream.consumers = [c for c in stream.consumers if c.consumer_name != consumer_name]
        if consumer_arn:
            for stream in self.streams.values():
                stream.delete_consumer(consumer_arn)

    KinesisBackend.create_stream = create_stream
    KinesisBackend._find_stream_by_arn = find_stream_by_arn
    KinesisBackend.deregister_stream_consumer = deregister_stream_consumer
    Stream.to_json_summary = to_json_summary
    KinesisResponse.create_stream = create_response
    KinesisResponse.delete_stream = delete_response
    KinesisResponse.update_shard_count = update_shard_count_response


def bridge_cbor():
    """Serves rpcv2Cbor requests through moto's JSON protocol (see CborBridge)."""
    import moto.server

    original = moto.server.run_simple

    def run_simple(host, port, app, **kwargs):
        return original(host, port, CborBridge(app), **kwargs)

    moto.server.run_simple = run_simple


def patch_efs_file_system_updates():
    """EFS: UpdateFileSystem, UpdateFileSystemProtection and the protection a file system has.

    moto 5.x has neither call (UpdateFileSystem fails with HTTP 500, the protection path is not
    routed: HTTP 404) and its DescribeFileSystems leaves out FileSystemProtection. AWS (EFS API
    reference) changes a file system's throughput mode and provisioned throughput with
    UpdateFileSystem (PUT /2015-02-01/file-systems/{id}, answering the description, HTTP 202;
    provisioned mode needs ProvisionedThroughputInMibps, else BadRequest), sets replication
    overwrite protection with UpdateFileSystemProtection (answering the protection), and
    describes every file system with FileSystemProtection, ENABLED from its creation. The AWS
    provider calls both on a change and reads the protection back.
    """
    import json
    from moto.core.exceptions import JsonRESTError
    from moto.efs import urls
    from moto.efs.models import FileSystem
    from moto.efs.responses import EFSResponse

    urls.url_paths["{0}/2015-02-01/file-systems/<file_system_id>/protection$"] = EFSResponse.dispatch

    original_info = FileSystem.info_json

    def info_json(self):
        out = original_info(self)
        out.pop("FileSystemProtection", None)
        out["FileSystemProtection"] = {
            "ReplicationOverwriteProtection": getattr(self, "_replication_overwrite", "ENABLED")
        }
        return out

    def fs_of(response):
        fs_id = response._get_param("FileSystemId") or response.path.split("/file-systems/", 1)[1].split("/")[0]
        return response.efs_backend.describe_file_systems(
            marker=None, max_items=1, creation_token=None, file_system_id=fs_id
        )[1][0]

    def update_file_system(self):
        fs = fs_of(self)
        mode = self._get_param("ThroughputMode") or fs.throughput_mode
        mibps = self._get_param("ProvisionedThroughputInMibps")
        if mode not in ("bursting", "provisioned", "elastic"):
            raise JsonRESTError("BadRequest", f"Invalid ThroughputMode: {mode}")
        if mode == "provisioned" and not mibps:
            raise JsonRESTError(
                "BadRequest", "ProvisionedThroughputInMibps is required when ThroughputMode is provisioned"
            )
        fs.throughput_mode = mode
        fs.provisioned_throughput_in_mibps = mibps if mode == "provisioned" else None
        return json.dumps(fs.info_json()), {"status": 202, "Content-Type": "application/json"}

    def update_file_system_protection(self):
        fs = fs_of(self)
        value = self._get_param("ReplicationOverwriteProtection")
        if value not in ("ENABLED", "DISABLED", "REPLICATING"):
            raise JsonRESTError("BadRequest", f"Invalid ReplicationOverwriteProtection: {value}")
        fs._replication_overwrite = value
        return json.dumps({"ReplicationOverwriteProtection": value}), {"Content-Type": "application/json"}

    FileSystem.info_json = info_json
    EFSResponse.update_file_system = update_file_system
    EFSResponse.update_file_system_protection = update_file_system_protection


def patch_efs_policies():
    """EFS backup and resource policies: PutBackupPolicy, DeleteFileSystemPolicy, unknown ids.

    moto 5.x has neither PutBackupPolicy nor DeleteFileSystemPolicy (HTTP 500), keeps a backup
    policy only as "enabled or none" (a DISABLED policy then reads as PolicyNotFound), and fails
    with HTTP 500 when DescribeBackupPolicy, DescribeFileSystemPolicy or PutFileSystemPolicy name
    a file system it does not know. AWS (EFS API reference) keeps the status PutBackupPolicy
    sets, ENABLED or DISABLED, and answers it back; DeleteFileSystemPolicy puts the default
    policy back (DescribeFileSystemPolicy then answers PolicyNotFound); an unknown file system is
    FileSystemNotFound. The AWS provider puts DISABLED when a backup policy is destroyed.
    """
    import json
    from moto.core.exceptions import JsonRESTError
    from moto.efs.exceptions import FileSystemNotFound, PolicyNotFound
    from moto.efs.models import EFSBackend, FileSystem

    def known(backend, file_system_id):
        if file_system_id not in backend.file_systems_by_id:
            raise FileSystemNotFound(file_system_id)
        return backend.file_systems_by_id[file_system_id]

    def backup_policy(self):
        status = getattr(self, "_backup_status", None) or ("ENABLED" if self._backup else None)
        return {"Status": status} if status else None

    original_describe_policy = EFSBackend.describe_file_system_policy
    original_put_policy = EFSBackend.put_file_system_policy

    def describe_backup_policy(self, file_system_id):
        policy = known(self, file_system_id).backup_policy
        if not policy:
            raise PolicyNotFound("None")
        return policy

    def put_backup_policy(self, file_system_id, status):
        if status not in ("ENABLED", "DISABLED"):
            raise JsonRESTError("ValidationException", f"Invalid backup policy status: {status}")
        known(self, file_system_id)._backup_status = status
        return {"Status": status}

    def describe_file_system_policy(self, file_system_id):
        known(self, file_system_id)
        return original_describe_policy(self, file_system_id)

    def put_file_system_policy(self, file_system_id, policy, bypass_policy_lockout_safety_check):
        known(self, file_system_id)
        try:
            json.loads(policy)
        except (TypeError, ValueError):
            raise JsonRESTError("InvalidPolicyException", "Policy is not valid JSON")
        return original_put_policy(self, file_system_id, policy, bypass_policy_lockout_safety_check)

    def delete_file_system_policy(self, file_system_id):
        known(self, file_system_id).file_system_policy = None

    def put_backup_policy_response(self):
        fs_id = self._get_param("FileSystemId")
        status = (self._get_param("BackupPolicy") or {}).get("Status")
        policy = self.efs_backend.put_backup_policy(fs_id, status)
        return json.dumps({"BackupPolicy": policy}), {"Content-Type": "application/json"}

    def delete_file_system_policy_response(self):
        self.efs_backend.delete_file_system_policy(self._get_param("FileSystemId"))
        return "{}", {"Content-Type": "application/json"}

    FileSystem.backup_policy = property(backup_policy)
    EFSBackend.describe_backup_policy = describe_backup_policy
    EFSBackend.put_backup_policy = put_backup_policy
    EFSBackend.describe_file_system_policy = describe_file_system_policy
    EFSBackend.put_file_system_policy = put_file_system_policy
    EFSBackend.delete_file_system_policy = delete_file_system_policy
    from moto.efs.responses import EFSResponse

    EFSResponse.put_backup_policy = put_backup_policy_response
    EFSResponse.delete_file_system_policy = delete_file_system_policy_response


def patch_lambda_logging_and_file_systems():
    """Lambda: keep a function's LoggingConfig and FileSystemConfigs.

    moto 5.x drops both from CreateFunction and UpdateFunctionConfiguration and answers neither.
    AWS (Lambda API reference, FunctionConfiguration) answers every function's LoggingConfig:
    LogFormat `Text` and LogGroup `/aws/lambda/NAME` unless set, and ApplicationLogLevel and
    SystemLogLevel `INFO` by default for the `JSON` format; FileSystemConfigs lists the EFS
    access points the function mounts (Arn and LocalMountPath), as sent. The AWS provider reads
    both back (logging_config, file_system_config).
    """
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_configuration = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def logging(self, sent):
        sent = dict(sent or {})
        out = {"LogFormat": sent.get("LogFormat") or "Text"}
        out["LogGroup"] = sent.get("LogGroup") or f"/aws/lambda/{self.function_name}"
        if out["LogFormat"] == "JSON":
            out["ApplicationLogLevel"] = sent.get("ApplicationLogLevel") or "INFO"
            out["SystemLogLevel"] = sent.get("SystemLogLevel") or "INFO"
        return out

    def __init__(self, account_id, spec, region, version=1):
        original_init(self, account_id, spec, region, version)
        self._logging_config = logging(self, spec.get("LoggingConfig"))
        self._file_system_configs = list(spec.get("FileSystemConfigs") or [])

    def get_configuration(self, *args, **kwargs):
        config = original_configuration(self, *args, **kwargs)
        config["LoggingConfig"] = getattr(self, "_logging_config", None) or logging(self, None)
        if getattr(self, "_file_system_configs", None):
            config["FileSystemConfigs"] = self._file_system_configs
        return config

    def update_configuration(self, config_updates):
        if "LoggingConfig" in config_updates:
            self._logging_config = logging(self, config_updates["LoggingConfig"])
        if "FileSystemConfigs" in config_updates:
            self._file_system_configs = list(config_updates["FileSystemConfigs"] or [])
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


def patch_ec2_network_acl_not_found():
    """Network ACLs go with their VPC; an unknown one is InvalidNetworkAclID.NotFound.

    moto 5.x answers DescribeNetworkAcls of an unknown id with InvalidRouteTableID.NotFound
    ("The routeTable ID ... does not exist"), the route table's code, and DeleteVpc leaves the
    VPC's network ACLs behind. AWS (EC2 API reference, error codes; DeleteVpc) answers
    InvalidNetworkAclID.NotFound, which is how the AWS provider (and infractl) learn that a
    network ACL is gone, deletes a VPC's default network ACL with the VPC, and refuses to delete a
    VPC that still has other network ACLs (DependencyViolation).
    """
    from moto.ec2.exceptions import DependencyViolationError, InvalidNetworkAclIdError
    from moto.ec2.models.network_acls import NetworkAclBackend
    from moto.ec2.models.vpcs import VPCBackend

    original_delete_vpc = VPCBackend.delete_vpc

    def delete_vpc(self, vpc_id):
        acls = [a for a in self.network_acls.values() if a.vpc_id == vpc_id]
        if any(not a.default for a in acls):
            raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
        vpc = original_delete_vpc(self, vpc_id)
        for acl in acls:
            self.network_acls.pop(acl.id, None)
        return vpc

    VPCBackend.delete_vpc = delete_vpc

    original = NetworkAclBackend.describe_network_acls

    def describe_network_acls(self, network_acl_ids=None, filters=None):
        known = set(self.network_acls)
        for acl_id in network_acl_ids or []:
            if acl_id not in known:
                raise InvalidNetworkAclIdError(acl_id)
        return original(self, network_acl_ids, filters)

    NetworkAclBackend.describe_network_acls = describe_network_acls


def patch_efs_replication():
    """EFS replication: Create/Describe/DeleteReplicationConfiguration, which moto 5.x lacks.

    As the EFS API reference gives them: CreateReplicationConfiguration on a source file system
    makes its destination, a new file system in the destination Region (or One Zone) unless an
    existing one is named, whose replication overwrite protection reads REPLICATING; a file
    system replicates to one destination only (ValidationException otherwise).
    DescribeReplicationConfigurations by the source's or the destination's id answers the
    replication (source id, Region, ARN, original source ARN, creation time, the destination's
    status ENABLED, id and Region); an unknown one is ReplicationNotFound. Delete, from either
    Region, ends the replication and leaves the destination file system, writable again.
    """
    import datetime
    import json
    from moto.core.exceptions import JsonRESTError
    from moto.efs import urls
    from moto.efs.exceptions import FileSystemNotFound
    from moto.efs.models import efs_backends
    from moto.efs.responses import EFSResponse

    urls.url_paths["{0}/2015-02-01/file-systems/<file_system_id>/replication-configuration$"] = EFSResponse.dispatch
    urls.url_paths["{0}/2015-02-01/file-systems/replication-configurations$"] = EFSResponse.dispatch

    # source file system id -> the replication, shared by every Region's backend.
    replications = {}

    class ReplicationNotFound(JsonRESTError):
        code = 404

        def __init__(self, file_system_id):
            super().__init__("ReplicationNotFound", f"No replications found for file system {file_system_id}.")

    def fs_in(account, region, fs_id):
        backend = efs_backends[account][region]
        if fs_id not in backend.file_systems_by_id:
            raise FileSystemNotFound(fs_id)
        return backend.file_systems_by_id[fs_id]

    def create_replication_configuration(self):
        source_id = self.path.split("/file-systems/", 1)[1].split("/")[0]
        source = fs_in(self.current_account, self.region, source_id)
        if source_id in replications:
            raise JsonRESTError("ValidationException", f"File system {source_id} already has a replication configuration.")
        destinations = self._get_param("Destinations") or []
        if len(destinations) != 1:
            raise JsonRESTError("ValidationException", "Exactly one destination is required.")
        d = destinations[0]
        zone = d.get("AvailabilityZoneName")
        region = d.get("Region") or (zone[:-1] if zone else self.region)
        backend = efs_backends[self.current_account][region]
        if d.get("FileSystemId"):
            target = fs_in(self.current_account, region, d["FileSystemId"])
        else:
            target = backend.create_file_system(
                creation_token=f"replica-{source_id}-{datetime.datetime.now().timestamp()}",
                performance_mode=source.performance_mode,
                encrypted=bool(d.get("KmsKeyId")) or source.encrypted,
                kms_key_id=d.get("KmsKeyId"),
                throughput_mode=source.throughput_mode,
                provisioned_throughput_in_mibps=source.provisioned_throughput_in_mibps,
                availability_zone_name=zone,
                backup=False,
                tags=[],
            )
        target._replication_overwrite = "REPLICATING"
        replications[source_id] = {
            "SourceFileSystemId": source_id,
            "SourceFileSystemRegion": self.region,
            "SourceFileSystemArn": source.file_system_arn,
            "OriginalSourceFileSystemArn": source.file_system_arn,
            "CreationTime": datetime.datetime.now(datetime.timezone.utc).timestamp(),
            "Destinations": [{"Status": "ENABLED", "FileSystemId": target.file_system_id, "Region": region}],
            "_account": self.current_account,
        }
        return json.dumps(public(replications[source_id])), {"Content-Type": "application/json"}

    def public(r):
        return {k: v for k, v in r.items() if not k.startswith("_")}

    def find(fs_id):
        for r in replications.values():
            if r["SourceFileSystemId"] == fs_id or r["Destinations"][0]["FileSystemId"] == fs_id:
                return r
        return None

    def describe_replication_configurations(self):
        fs_id = self._get_param("FileSystemId")
        if fs_id:
            r = find(fs_id)
            if r is None:
                raise ReplicationNotFound(fs_id)
            found = [r]
        else:
            found = [r for r in replications.values() if r["SourceFileSystemRegion"] == self.region]
        return json.dumps({"Replications": [public(r) for r in found]}), {"Content-Type": "application/json"}

    def delete_replication_configuration(self):
        fs_id = self.path.split("/file-systems/", 1)[1].split("/")[0]
        r = find(fs_id)
        if r is None:
            raise ReplicationNotFound(fs_id)
        del replications[r["SourceFileSystemId"]]
        dest = r["Destinations"][0]
        target = efs_backends[r["_account"]][dest["Region"]].file_systems_by_id.get(dest["FileSystemId"])
        if target is not None:
            target._replication_overwrite = "ENABLED"
        return "{}", {"status": 204, "Content-Type": "application/json"}

    EFSResponse.create_replication_configuration = create_replication_configuration
    EFSResponse.describe_replication_configurations = describe_replication_configurations
    EFSResponse.delete_replication_configuration = delete_replication_configuration


def patch_elasticache_clusters():
    """Cache clusters as the ElastiCache API reference describes them.

    moto 5.2.5 keeps what CreateCacheCluster is sent but answers a thin object: no cache nodes
    (DescribeCacheClusters with ShowCacheNodeInfo lists each node with its endpoint and zone on
    AWS), no memcached configuration endpoint, no parameter group, security group or
    notification structures, no engine version or windows when none were sent (AWS fills the
    engine's default version, `default.<family>` parameter group and a weekly maintenance and
    daily snapshot window), the Redis port for memcached (AWS: 11211), ids kept in the case sent
    (AWS lowercases them), and `num_cache_nodes` missing for Valkey. It has no
    ModifyCacheCluster (HTTP 500), and a deleted cluster stays `deleting` forever, where AWS
    removes it. Here: the answers carry those structures, ModifyCacheCluster applies what it is
    sent (node count, node type and engine version wait in PendingModifiedValues unless
    ApplyImmediately, as AWS documents; a disabled log delivery removes it), and DeleteCacheCluster
    answers `deleting` and removes the cluster (a final snapshot is taken first when named).
    """
    from moto.core.responses import ActionResult, PaginatedResult
    from moto.elasticache.exceptions import CacheClusterNotFound, InvalidParameterValueException
    from moto.elasticache.responses import ElastiCacheResponse

    actual_versions = {
        ("redis", "6.x"): "6.2.6", ("redis", "6.0"): "6.0.5", ("redis", "6.2"): "6.2.6",
        ("redis", "7.0"): "7.0.7", ("redis", "7.1"): "7.1.0", ("valkey", "7.2"): "7.2.6",
        ("valkey", "8.0"): "8.0.1", ("valkey", "8.1"): "8.1.0", ("memcached", None): "1.6.22",
        ("redis", None): "7.1.0", ("valkey", None): "8.0.1",
    }

    def actual_version(engine, asked):
        if (engine, asked) in actual_versions:
            return actual_versions[(engine, asked)]
        if asked and asked.count(".") == 1 and not asked.endswith(".x"):
            return asked + ".0"
        return asked

    def family(engine, version):
        major = (version or "").split(".")[0]
        if engine == "memcached":
            return "default.memcached" + ".".join((version or "1.6").split(".")[:2])
        if engine == "redis" and major == "6":
            return "default.redis6.x"
        if engine == "redis" and major in ("2", "3", "4", "5"):
            return "default.redis" + ".".join(version.split(".")[:2])
        return f"default.{engine}{major}"

    def short_region(region):
        parts = region.split("-")
        middle = "".join(parts[1:-1])
        for word, letter in (("south", "s"), ("north", "n"), ("east", "e"), ("west", "w"), ("central", "c")):
            middle = middle.replace(word, letter)
        return parts[0] + middle + parts[-1]

    def complete(c, region):
        """Fills what AWS fills on create, once."""
        if getattr(c, "_aws_complete", False):
            return
        c._aws_complete = True
        c.engine_version = actual_version(c.engine, c.engine_version)
        if c.engine != "memcached":
            c.num_cache_nodes = 1
        if c.engine == "memcached" and c.port == 6379 and not getattr(c, "_port_sent", False):
            c.port = 11211
        if not c.cache_parameter_group_name:
            c.cache_parameter_group_name = family(c.engine, c.engine_version)
        if not c.preferred_maintenance_window:
            c.preferred_maintenance_window = "wed:03:00-wed:04:00"
        c.preferred_maintenance_window = c.preferred_maintenance_window.lower()
        if c.engine != "memcached" and not getattr(c, "snapshot_window", None):
            c.snapshot_window = "05:00-06:00"
        if c.auto_minor_version_upgrade is None:
            c.auto_minor_version_upgrade = True
        c.transit_encryption_enabled = bool(c.transit_encryption_enabled)
        c.network_type = c.network_type or "ipv4"
        c.ip_discovery = c.ip_discovery or "ipv4"
        c.topic_status = "active"
        c.pending = {}
        c.log_deliveries = [dict(x) for x in (c.log_delivery_configurations or [])]
        c.region = region

    def node_zones(c):
        zones = list(c.preferred_availability_zones or [])
        first = c.preferred_availability_zone or c.region + "a"
        letters = "abc"
        out = []
        for i in range(c.num_cache_nodes or 1):
            if i < len(zones):
                out.append(zones[i])
            elif c.az_mode == "cross-az":
                out.append(c.region + letters[i % 3])
            else:
                out.append(first)
        return out

    def host(c, part):
        return f"{c.cache_cluster_id}.{c.cache_node_id[:6]}.{part}.{short_region(c.region)}.cache.amazonaws.com"

    def as_dict(c, with_nodes):
        zones = node_zones(c)
        out = {
            "CacheClusterId": c.cache_cluster_id,
            "ARN": c.arn,
            "CacheNodeType": c.cache_node_type,
            "Engine": c.engine,
            "EngineVersion": c.engine_version,
            "CacheClusterStatus": c.cache_cluster_status,
            "NumCacheNodes": c.num_cache_nodes or 1,
            "PreferredAvailabilityZone": "Multiple" if len(set(zones)) > 1 else zones[0],
            "CacheClusterCreateTime": c.cache_cluster_create_time,
            "PreferredMaintenanceWindow": c.preferred_maintenance_window,
            "PendingModifiedValues": dict(c.pending),
            "CacheSecurityGroups": [],
            "CacheParameterGroup": {
                "CacheParameterGroupName": c.cache_parameter_group_name,
                "ParameterApplyStatus": "in-sync",
                "CacheNodeIdsToReboot": [],
            },
            "AutoMinorVersionUpgrade": c.auto_minor_version_upgrade,
            "SecurityGroups": [{"SecurityGroupId": g, "Status": "active"} for g in c.security_group_ids],
            "SnapshotRetentionLimit": c.snapshot_retention_limit or 0,
            "AuthTokenEnabled": c.auth_token_enabled,
            "TransitEncryptionEnabled": c.transit_encryption_enabled,
            "AtRestEncryptionEnabled": False,
            "ReplicationGroupLogDeliveryEnabled": False,
            "LogDeliveryConfigurations": [
                {
                    "LogType": x.get("LogType"),
                    "DestinationType": x.get("DestinationType"),
                    "DestinationDetails": x.get("DestinationDetails"),
                    "LogFormat": x.get("LogFormat"),
                    "Status": "active",
                }
                for x in c.log_deliveries
            ],
            "NetworkType": c.network_type,
            "IpDiscovery": c.ip_discovery,
        }
        for key, value in (
            ("CacheSubnetGroupName", c.cache_subnet_group_name),
            ("ReplicationGroupId", getattr(c, "replication_group_id", None)),
            ("SnapshotWindow", getattr(c, "snapshot_window", None)),
            ("PreferredOutpostArn", c.preferred_outpost_arn),
        ):
            if value:
                out[key] = value
        if c.notification_topic_arn:
            out["NotificationConfiguration"] = {"TopicArn": c.notification_topic_arn, "TopicStatus": c.topic_status}
        if c.engine == "memcached":
            out["ConfigurationEndpoint"] = {"Address": host(c, "cfg"), "Port": c.port}
        if with_nodes:
            out["CacheNodes"] = [
                {
                    "CacheNodeId": f"{i + 1:04d}",
                    "CacheNodeStatus": "available",
                    "CacheNodeCreateTime": c.cache_cluster_create_time,
                    "Endpoint": {"Address": host(c, f"{i + 1:04d}"), "Port": c.port},
                    "ParameterGroupStatus": "in-sync",
                    "CustomerAvailabilityZone": zone,
                }
                for i, zone in enumerate(zones)
            ]
        return out

    def cluster(self, cid):
        c = self.elasticache_backend.cache_clusters.get((cid or "").lower())
        if c is None:
            raise CacheClusterNotFound(cid)
        complete(c, self.region)
        return c

    original_create = ElastiCacheResponse.create_cache_cluster

    def create_cache_cluster(self):
        asked = self._get_param("CacheClusterId") or ""
        backend = self.elasticache_backend
        if asked.lower() in backend.cache_clusters:
            from moto.elasticache.exceptions import CacheClusterAlreadyExists

            raise CacheClusterAlreadyExists(asked.lower())
        original_create(self)
        c = backend.cache_clusters.pop(asked)
        tags = backend.tagging_service.list_tags_for_resource(c.arn).get("Tags", [])
        backend.tagging_service.delete_all_tags_for_resource(c.arn)
        c.cache_cluster_id = asked.lower()
        c.arn = c.arn.rsplit(":", 1)[0] + ":" + c.cache_cluster_id
        if tags:
            backend.tagging_service.tag_resource(c.arn, tags)
        c._port_sent = self._get_param("Port") is not None
        backend.cache_clusters[c.cache_cluster_id] = c
        complete(c, self.region)
        c.cache_cluster_status = "available"
        return ActionResult({"CacheCluster": as_dict(c, False)})

    def describe_cache_clusters(self):
        with_nodes = str(self._get_param("ShowCacheNodeInfo")).lower() == "true"
        cid = self._get_param("CacheClusterId")
        if cid:
            found = [cluster(self, cid)]
        else:
            found = list(self.elasticache_backend.cache_clusters.values())
            for c in found:
                complete(c, self.region)
        return PaginatedResult({"CacheClusters": [as_dict(c, with_nodes) for c in found]})

    def modify_cache_cluster(self):
        c = cluster(self, self._get_param("CacheClusterId"))
        now = str(self._get_param("ApplyImmediately")).lower() == "true"
        count = self._get_int_param("NumCacheNodes")
        if count is not None and c.engine != "memcached" and count != 1:
            raise InvalidParameterValueException("Redis and Valkey clusters have exactly one cache node.")
        deferred = {
            "NumCacheNodes": ("num_cache_nodes", count),
            "CacheNodeType": ("cache_node_type", self._get_param("CacheNodeType")),
            "EngineVersion": ("engine_version", self._get_param("EngineVersion")),
        }
        for key, (attr, value) in deferred.items():
            if value is None:
                continue
            if attr == "engine_version":
                value = actual_version(c.engine, value)
            if now:
                setattr(c, attr, value)
                c.pending.pop(key, None)
            else:
                c.pending[key] = value
        if now and count is not None:
            remove = set(self._get_param("CacheNodeIdsToRemove") or [])
            c.preferred_availability_zones = [
                z for i, z in enumerate(node_zones(c)) if f"{i + 1:04d}" not in remove
            ][:count] + list(self._get_param("NewAvailabilityZones") or [])
        simple = {
            "SecurityGroupIds": "security_group_ids",
            "PreferredMaintenanceWindow": "preferred_maintenance_window",
            "CacheParameterGroupName": "cache_parameter_group_name",
            "SnapshotWindow": "snapshot_window",
            "AZMode": "az_mode",
            "IpDiscovery": "ip_discovery",
        }
        for key, attr in simple.items():
            value = self._get_param(key)
            if value is not None:
                setattr(c, attr, value.lower() if key == "PreferredMaintenanceWindow" else value)
        if self._get_int_param("SnapshotRetentionLimit") is not None:
            c.snapshot_retention_limit = self._get_int_param("SnapshotRetentionLimit")
        if self._get_param("AutoMinorVersionUpgrade") is not None:
            c.auto_minor_version_upgrade = str(self._get_param("AutoMinorVersionUpgrade")).lower() == "true"
        if self._get_param("NotificationTopicArn") is not None:
            c.notification_topic_arn = self._get_param("NotificationTopicArn")
            c.topic_status = "active"
        if self._get_param("NotificationTopicStatus") is not None:
            c.topic_status = self._get_param("NotificationTopicStatus")
        for x in self._get_param("LogDeliveryConfigurations") or []:
            c.log_deliveries = [d for d in c.log_deliveries if d.get("LogType") != x.get("LogType")]
            if str(x.get("Enabled", "true")).lower() != "false":
                c.log_deliveries.append(dict(x))
        return ActionResult({"CacheCluster": as_dict(c, False)})

    def delete_cache_cluster(self):
        c = cluster(self, self._get_param("CacheClusterId"))
        backend = self.elasticache_backend
        snapshot = self._get_param("FinalSnapshotIdentifier")
        if snapshot:
            backend.create_snapshot(snapshot, None, c.cache_cluster_id, None, None)
        answer = as_dict(c, False)
        answer["CacheClusterStatus"] = "deleting"
        del backend.cache_clusters[c.cache_cluster_id]
        backend.tagging_service.delete_all_tags_for_resource(c.arn)
        return ActionResult({"CacheCluster": answer})

    ElastiCacheResponse.create_cache_cluster = create_cache_cluster
    ElastiCacheResponse.describe_cache_clusters = describe_cache_clusters
    ElastiCacheResponse.modify_cache_cluster = modify_cache_cluster
    ElastiCacheResponse.delete_cache_cluster = delete_cache_cluster


def patch_elasticache_parameter_groups():
    """Cache parameter groups, as the ElastiCache API reference describes them.

    moto 5.2.5 has none of CreateCacheParameterGroup, DescribeCacheParameterGroups,
    ModifyCacheParameterGroup, ResetCacheParameterGroup, DescribeCacheParameters or
    DeleteCacheParameterGroup (HTTP 500), and ListTagsForResource refuses a parameter group's
    ARN. Here a group keeps its name (lowercase, as AWS keeps it), family, description and the
    parameters it is sent (DescribeCacheParameters answers them with source `user`; the family's
    hundreds of system defaults are not modelled, and any parameter name is taken);
    ResetCacheParameterGroup returns the named parameters, or all, to their defaults; a group a
    cache cluster still uses refuses deletion with InvalidCacheParameterGroupState, as AWS does.
    """
    import re as _re
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult, EmptyResult, PaginatedResult
    from moto.elasticache.exceptions import InvalidARNFault
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    class NotFound(ServiceException):
        code = "CacheParameterGroupNotFound"

    class Exists(ServiceException):
        code = "CacheParameterGroupAlreadyExists"

    class InUse(ServiceException):
        code = "InvalidCacheParameterGroupState"

    taggable = _re.compile(
        r"^arn:aws:elasticache:.*:[0-9]*:(cluster|snapshot|subnetgroup|replicationgroup|user|usergroup|parametergroup):.*$"
    )

    def list_tags_for_resource(self, arn):
        if taggable.match(arn):
            return self.tagging_service.list_tags_for_resource(arn)
        raise InvalidARNFault(arn)

    ElastiCacheBackend.list_tags_for_resource = list_tags_for_resource

    def groups(backend):
        if not hasattr(backend, "cache_parameter_groups"):
            backend.cache_parameter_groups = {}
        return backend.cache_parameter_groups

    def group(self, name):
        g = groups(self.elasticache_backend).get((name or "").lower())
        if g is None:
            raise NotFound(f"CacheParameterGroup {name} not found.")
        return g

    def public(g):
        return {k: v for k, v in g.items() if k != "parameters"}

    def create_cache_parameter_group(self):
        backend = self.elasticache_backend
        name = (self._get_param("CacheParameterGroupName") or "").lower()
        if name in groups(backend):
            raise Exists(f"Parameter group {name} already exists.")
        arn = f"arn:aws:elasticache:{self.region}:{self.current_account}:parametergroup:{name}"
        groups(backend)[name] = {
            "CacheParameterGroupName": name,
            "CacheParameterGroupFamily": self._get_param("CacheParameterGroupFamily"),
            "Description": self._get_param("Description"),
            "IsGlobal": False,
            "ARN": arn,
            "parameters": {},
        }
        tags = self._get_param("Tags", [])
        if tags:
            backend.tagging_service.tag_resource(arn, tags)
        return ActionResult({"CacheParameterGroup": public(groups(backend)[name])})

    def describe_cache_parameter_groups(self):
        name = self._get_param("CacheParameterGroupName")
        found = [group(self, name)] if name else list(groups(self.elasticache_backend).values())
        return PaginatedResult({"CacheParameterGroups": [public(g) for g in found]})

    def describe_cache_parameters(self):
        g = group(self, self._get_param("CacheParameterGroupName"))
        source = self._get_param("Source")
        parameters = [
            {
                "ParameterName": n,
                "ParameterValue": v,
                "Source": "user",
                "DataType": "string",
                "IsModifiable": True,
                "ChangeType": "immediate",
            }
            for n, v in g["parameters"].items()
        ]
        if source not in (None, "user"):
            parameters = []
        return PaginatedResult({"Parameters": parameters})

    def modify_cache_parameter_group(self):
        g = group(self, self._get_param("CacheParameterGroupName"))
        for p in self._get_param("ParameterNameValues") or []:
            g["parameters"][p["ParameterName"]] = p.get("ParameterValue")
        return ActionResult({"CacheParameterGroupName": g["CacheParameterGroupName"]})

    def reset_cache_parameter_group(self):
        g = group(self, self._get_param("CacheParameterGroupName"))
        if str(self._get_param("ResetAllParameters")).lower() == "true":
            g["parameters"].clear()
        for p in self._get_param("ParameterNameValues") or []:
            g["parameters"].pop(p["ParameterName"], None)
        return ActionResult({"CacheParameterGroupName": g["CacheParameterGroupName"]})

    def delete_cache_parameter_group(self):
        backend = self.elasticache_backend
        g = group(self, self._get_param("CacheParameterGroupName"))
        name = g["CacheParameterGroupName"]
        users = [c for c in backend.cache_clusters.values() if c.cache_parameter_group_name == name]
        if users:
            raise InUse(f"One or more cache clusters are still members of parameter group {name}, so the group cannot be deleted.")
        del groups(backend)[name]
        backend.tagging_service.delete_all_tags_for_resource(g["ARN"])
        return EmptyResult()

    ElastiCacheResponse.create_cache_parameter_group = create_cache_parameter_group
    ElastiCacheResponse.describe_cache_parameter_groups = describe_cache_parameter_groups
    ElastiCacheResponse.describe_cache_parameters = describe_cache_parameters
    ElastiCacheResponse.modify_cache_parameter_group = modify_cache_parameter_group
    ElastiCacheResponse.reset_cache_parameter_group = reset_cache_parameter_group
    ElastiCacheResponse.delete_cache_parameter_group = delete_cache_parameter_group


def patch_apigateway_methods_and_integrations():
    """REST API resources, methods and integrations change in place, as the API Gateway
    reference has it.

    moto 5.2.5 has no UpdateResource, UpdateMethod or UpdateIntegration (HTTP 500): AWS applies
    their JSON-patch operations (`replace /pathPart`, `/parentId`; `/authorizationType`,
    `/apiKeyRequired`, `add`/`remove /requestParameters/NAME`, `/requestModels/TYPE`,
    `/authorizationScopes`; `/uri`, `/timeoutInMillis`, `/connectionType`, `/connectionId`,
    `/requestTemplates/TYPE`, `/cacheKeyParameters/NAME`, `/tlsConfig/insecureSkipVerification`,
    ...; `~1` in a path is `/`). moto also drops PutIntegration's `connectionId` and
    `cacheKeyParameters` and answers no passthrough behaviour when none is sent (AWS:
    WHEN_NO_MATCH), answers
    GetIntegration of a method without one with `{}` (AWS: NotFoundException "Invalid
    Integration identifier specified") and fails DeleteIntegration of a missing one with HTTP
    500; here it answers NotFoundException.
    """
    import json as _json
    from moto.apigateway.exceptions import NotFoundException
    from moto.apigateway.models import Integration
    from moto.apigateway.responses import APIGatewayResponse

    class IntegrationNotFound(NotFoundException):
        code = 404

        def __init__(self):
            super().__init__("Invalid Integration identifier specified")

    def parts(self):
        p = self.path.split("/")
        return p[2], p[4], (p[6] if len(p) > 6 else None)

    def key(path, prefix):
        return path[len(prefix):].replace("~1", "/").replace("~0", "~")

    def apply_map(target, op, path, prefix, convert=lambda v: v):
        name = key(path, prefix)
        target = dict(target or {})
        if op["op"] == "remove":
            target.pop(name, None)
        else:
            target[name] = convert(op.get("value"))
        return target or None

    def update_resource(self):
        api, resource_id = self.path.split("/")[2], self.path.split("/")[4]
        resource = self.backend.get_resource(api, resource_id)
        for op in self._get_param("patchOperations") or []:
            if op["path"] == "/pathPart":
                resource.path_part = op.get("value")
            elif op["path"] == "/parentId":
                resource.parent_id = op.get("value")
        return 200, {}, _json.dumps(resource.to_dict())

    def update_method(self):
        api, resource_id, verb = parts(self)
        method = self.backend.get_method(api, resource_id, verb)
        for op in self._get_param("patchOperations") or []:
            path = op["path"]
            value = op.get("value")
            if path == "/authorizationType":
                method.authorization_type = value
            elif path == "/authorizerId":
                method.authorizer_id = value
            elif path == "/apiKeyRequired":
                method.api_key_required = str(value).lower() == "true"
            elif path == "/operationName":
                method.operation_name = value
            elif path == "/requestValidatorId":
                method.request_validator_id = value
            elif path == "/authorizationScopes":
                scopes = [x for x in (method.authorization_scopes or []) if x != value]
                if op["op"] == "add":
                    scopes.append(value)
                method.authorization_scopes = scopes or None
            elif path.startswith("/requestParameters/"):
                method.request_parameters = apply_map(
                    method.request_parameters, op, path, "/requestParameters/", lambda v: str(v).lower() == "true"
                )
            elif path.startswith("/requestModels/"):
                method.request_models = apply_map(method.request_models, op, path, "/requestModels/")
        return 200, {}, _json.dumps(method.to_json())

    def integration_of(self):
        api, resource_id, verb = parts(self)
        integration = self.backend.get_integration(api, resource_id, verb)
        if integration is None:
            raise IntegrationNotFound()
        return integration

    def update_integration(self):
        integration = integration_of(self)
        for op in self._get_param("patchOperations") or []:
            path = op["path"]
            value = op.get("value")
            simple = {
                "/uri": "uri",
                "/contentHandling": "content_handling",
                "/connectionType": "connection_type",
                "/connectionId": "connection_id",
                "/cacheNamespace": "cache_namespace",
                "/timeoutInMillis": "timeout_in_millis",
                "/passthroughBehavior": "passthrough_behaviour",
            }
            if path in simple:
                setattr(integration, simple[path], int(value) if path == "/timeoutInMillis" else value)
            elif path == "/tlsConfig/insecureSkipVerification":
                integration.tls_config = {"insecureSkipVerification": str(value).lower() == "true"}
            elif path.startswith("/requestTemplates/"):
                integration.request_templates = apply_map(integration.request_templates, op, path, "/requestTemplates/")
            elif path.startswith("/requestParameters/"):
                integration.request_parameters = apply_map(
                    integration.request_parameters, op, path, "/requestParameters/"
                )
            elif path.startswith("/cacheKeyParameters/"):
                name = key(path, "/cacheKeyParameters/")
                keys = [k for k in integration.cache_key_parameters if k != name]
                if op["op"] == "add":
                    keys.append(name)
                integration.cache_key_parameters = keys
        return 200, {}, _json.dumps(integration.to_json())

    original_to_json = Integration.to_json

    def to_json(self):
        out = original_to_json(self)
        if getattr(self, "connection_id", None):
            out["connectionId"] = self.connection_id
        return out

    original_put = APIGatewayResponse.put_integration

    def put_integration(self):
        status, headers, body = original_put(self)
        api, resource_id, verb = parts(self)
        integration = self.backend.get_integration(api, resource_id, verb)
        if integration is not None:
            integration.connection_id = self._get_param("connectionId")
            integration.cache_key_parameters = list(self._get_param("cacheKeyParameters") or [])
            integration.passthrough_behaviour = self._get_param("passthroughBehavior") or "WHEN_NO_MATCH"
            body = _json.dumps(integration.to_json())
        return status, headers, body

    def get_integration(self):
        return 200, {}, _json.dumps(integration_of(self).to_json())

    original_delete = APIGatewayResponse.delete_integration

    def delete_integration(self):
        integration_of(self)
        return original_delete(self)

    Integration.to_json = to_json
    APIGatewayResponse.update_resource = update_resource
    APIGatewayResponse.update_method = update_method
    APIGatewayResponse.update_integration = update_integration
    APIGatewayResponse.put_integration = put_integration
    APIGatewayResponse.get_integration = get_integration
    APIGatewayResponse.delete_integration = delete_integration


if __name__ == "__main__":
    patch_response_choices_per_request()
    patch_s3_secure_transport()
    patch_s3_xml_roots()
    patch_s3_accelerate_suspended()
    patch_s3_logging_key_format()
    patch_s3_logging_policy_shapes()
    patch_s3_one_canonical_owner()
    patch_s3_versioning_mfa_delete()
    patch_s3_object_lock_on_used_buckets()
    patch_s3_bucket_configurations()
    patch_s3_delete_objects_version_ids()
    patch_ec2_detach_volume_by_id()
    patch_ec2_gateway_endpoint_routes()
    patch_ec2_endpoint_reset_policy()
    patch_ec2_endpoint_service_filters()
    patch_ec2_vpc_settings_moto_drops()
    patch_subnet_group_changes()
    patch_ec2_vpc_family_calls()
    patch_ec2_subnet_attributes()
    patch_ec2_route_table_association_conflicts()
    patch_ec2_instance_user_data_blob()
    patch_ec2_launch_template_tags()
    patch_autoscaling_mixed_instances_policy()
    patch_autoscaling_scale_in_after_unprotect()
    patch_autoscaling_instance_maintenance_policy()
    patch_autoscaling_service_linked_role()
    patch_autoscaling_warmup_and_capacity_type()
    patch_autoscaling_zone_distribution_and_reservations()
    patch_autoscaling_instance_refresh()
    patch_autoscaling_scheduled_actions()
    patch_autoscaling_scaling_policies()
    patch_autoscaling_traffic_sources()
    patch_autoscaling_notification_configurations()
    patch_autoscaling_lifecycle_hooks()
    patch_autoscaling_launch_configurations()
    patch_ec2_launch_template_version_user_data()
    patch_ec2_ipv6_only_subnet_address_count()
    patch_ssm_fluent_bit_parameters()
    patch_ssm_ecs_optimized_ami_json()
    patch_signer_signing_profiles()
    patch_ssm_maintenance_windows()
    patch_ssm_maintenance_window_targets()
    patch_ssm_maintenance_window_tasks()
    patch_ec2_flow_log_settings()
    patch_ec2_network_acl_not_found()
    patch_ec2_group_rule_descriptions()
    patch_ec2_prefix_list_rule_descriptions()
    patch_ecs_service_settings()
    patch_dynamodb_stream_reenable()
    patch_dynamodb_on_demand_throughput()
    patch_dynamodb_replicas()
    patch_sns_topic_attributes()
    patch_sns_data_protection_policies()
    patch_secretsmanager_resource_policies()
    patch_secretsmanager_rotation()
    patch_logs_query_definitions()
    patch_logs_data_protection_policies()
    patch_logs_metric_filter_replace()
    patch_appautoscaling_tags()
    patch_appautoscaling_scheduled_actions()
    patch_iam_update_group()
    patch_iam_oidc_client_ids()
    patch_apigateway_openapi_import()
    patch_apigateway_tags()
    patch_opensearch_serverless()
    patch_opensearch_serverless_endpoints_and_lifecycle()
    patch_ec2_vpc_endpoint_filters()
    patch_sqs_attributes()
    patch_servicediscovery()
    patch_apigatewayv2()
    patch_apigatewayv2_domain_names()
    patch_rds()
    patch_route53()
    patch_route53_health_checks()
    patch_acm()
    patch_cognitoidp()
    patch_elbv2_logs_and_listeners()
    patch_elbv2_capacity_pools_and_defaults()
    patch_cloudfront_policies()
    patch_cloudfront_distributions()
    patch_cloudfront_functions()
    patch_kms()
    patch_kms_imported_material_and_replicas()
    patch_logs_kms_keys()
    patch_logs_group_class()
    patch_cloudwatch_composite_alarms()
    patch_cloudwatch_alarm_tags_deleted()
    patch_lambda_event_invoke_config()
    patch_lambda_function_urls()
    patch_lambda_logging_and_file_systems()
    patch_iam_saml_provider_tags()
    patch_ec2_managed_prefix_lists()
    patch_ec2_capacity_reservations()
    patch_elbv2_authentication_defaults()
    patch_elbv2_listener_attributes()
    patch_elbv2_load_balancer_arns()
    patch_elbv2_trust_stores()
    patch_ec2_ipam()
    patch_ec2_transit_gateway_route_table_filters()
    patch_ec2_vpc_block_public_access()
    patch_ec2_prefix_list_cidrs()
    patch_dynamodb_resource_policies()
    patch_dynamodb_import_formats()
    patch_dynamodb_attribute_updates_put()
    patch_iam_password_policy_ranges()
    patch_iam_account_alias_delete()
    patch_iam_login_profiles()
    patch_lambda_event_source_mappings()
    patch_events()
    patch_events_archive_updates()
    patch_kinesis_streams()
    patch_stepfunctions_versions_and_validation()
    patch_efs_file_system_updates()
    patch_efs_policies()
    patch_efs_replication()
    patch_ecr_pull_through_cache_rules()
    patch_ecr_repository_creation_templates()
    patch_codedeploy_lifecycle()
    patch_ec2_instance_block_devices()
    patch_ec2_instance_launch_options()
    patch_ec2_instance_groups_from_interfaces()
    patch_ec2_placement_groups()
    patch_ec2_network_interfaces()
    patch_ec2_transit_gateways()
    patch_elasticache_clusters()
    patch_elasticache_parameter_groups()
    patch_apigateway_methods_and_integrations()
    bridge_cbor()
    sys.exit(main(sys.argv[1:]))
