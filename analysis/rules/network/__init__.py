"""Network security controls: internet exposure (path level, from the reachability engine in
``analysis.network``), security groups and network ACLs (rule level, with the path-level verdict),
VPCs (default VPCs, flow logs, public IP assignment, peering, endpoints), EC2 instances, load
balancers and WAF web ACLs."""

CONTROL_MODULES = (
    "ec2_management_port_internet_reachable",
    "ec2_sg_ssh_open_to_internet",
    "ec2_sg_rdp_open_to_internet",
    "ec2_sg_high_risk_ports_open_to_internet",
    "ec2_sg_all_traffic_open_to_internet",
    "ec2_sg_unauthorized_ports_open_to_internet",
    "ec2_default_sg_restricts_all",
    "ec2_nacl_admin_ports_open",
    "ec2_instance_public_ip",
    "ec2_instance_imdsv2_required",
    "ec2_transit_gateway_auto_accept",
    "vpc_default_vpc_present",
    "vpc_default_vpc_in_use",
    "vpc_flow_logs_enabled",
    "vpc_subnet_auto_public_ip",
    "vpc_peering_outside_organization",
    "vpc_s3_endpoint_private_subnets",
    "elb_internet_facing_waf",
    "elb_alb_https_redirect",
    "elb_listener_tls12_minimum",
    "elb_alb_drop_invalid_headers",
    "elb_deletion_protection",
    "elb_access_logging",
    "elb_classic_load_balancer_in_use",
    "elb_classic_https_listeners",
    "waf_web_acl_has_rules",
    "waf_web_acl_logging",
)
