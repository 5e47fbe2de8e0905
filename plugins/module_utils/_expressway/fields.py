# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option <-> REST key tables, one per resource. The ONLY place the API's casing is spelled.

Each row carries the confidence of its REST key (H/M/L, see the API contract). When a real appliance
disagrees (``GET /api/raml``), correct the ``key`` (or the value tokens) in its row here: modules, docs
and argspecs follow, because argspecs are generated from these tables.
"""

from __future__ import annotations

ON_OFF = ('On', 'Off')
YES_NO = ('Yes', 'No')
ENABLED_DISABLED = ('Enabled', 'Disabled')
# TCP/UDP ports, wherever an option names one (firewall rules, management_port, expected ranges).
PORT_MIN, PORT_MAX = 1, 65535


class Field:
    """One option: its REST key, Ansible type, choices/range, and how values map to API tokens."""

    def __init__(
        self,
        option,
        key,
        otype='str',
        choices=None,
        tokens=None,
        minimum=None,
        maximum=None,
        api_default=None,
        conf='H',
        create_required=False,
    ):
        self.option = option
        self.key = key
        self.type = otype
        self.choices = choices
        self.tokens = tokens  # (true_token, false_token) for bool options
        self.minimum = minimum
        self.maximum = maximum
        self.api_default = api_default  # what the box applies on create; documented, never sent by us
        self.conf = conf
        self.create_required = create_required

    def argspec(self):
        spec = {'type': self.type}
        if self.choices:
            spec['choices'] = list(self.choices)
        return spec

    def to_api(self, value):
        if self.tokens:
            return self.tokens[0] if value else self.tokens[1]
        return value

    def from_api(self, raw):
        if raw is None:
            return None
        if self.tokens:
            return _bool_from_token(raw, self.tokens)
        if self.type == 'int':
            try:
                return int(raw)
            except (TypeError, ValueError):
                return raw
        return raw


def _bool_from_token(raw, tokens):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text == tokens[0].lower():
        return True
    if text == tokens[1].lower():
        return False
    return raw  # an unknown token is shown as-is rather than guessed


class Resource:
    """A REST collection: path (under the provisioning prefix), key field, product category, fields."""

    def __init__(self, name, path, category, fields, key_option='name', read_only=(), result_key=None, wrapper=None):
        self.name = name
        self.path = path
        self.category = category  # common, edge (Expressway-E only) or controller (Expressway-C only)
        self.fields = tuple(fields)
        self.by_option = {f.option: f for f in self.fields}
        self.by_key = {f.key: f for f in self.fields}
        self.key_field = self.by_option[key_option] if key_option else None  # None: a singleton
        self.read_only = tuple(read_only)
        self.result_key = result_key or name
        self.wrapper = wrapper  # create/update bodies nested under this key (DNS servers)

    def to_options(self, record):
        """An API object in option-name space; keys the table does not know are left out."""
        return {f.option: f.from_api(record[f.key]) for f in self.fields if f.key in record}

    def to_body(self, options):
        """API body for the given options (already validated); None values are not managed, not sent."""
        return {self.by_option[o].key: self.by_option[o].to_api(v) for o, v in options.items() if v is not None}

    def records(self, data):
        """The objects of a GET answer, in every shape the contract allows; none is [].

        A list of objects or one bare object; with a wrapper key (DNS servers) also the object or list
        under that key, and a list of such wrappers. Empty objects and non-objects are dropped.
        """
        found = []
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            if self.wrapper and self.wrapper in item:
                inner = item[self.wrapper]
                found.extend(r for r in (inner if isinstance(inner, list) else [inner]) if isinstance(r, dict) and r)
            elif item:
                found.append(item)
        return found

    def key_of(self, record):
        return record.get(self.key_field.key)

    def write_body(self, action, body):
        """The body as sent: creates and updates may be nested under a wrapper key; deletes never are."""
        if self.wrapper and action in ('create', 'update'):
            return {self.wrapper: body}
        return body


def module_argument_spec(resource, connection_spec, state=True):
    """The module argspec, generated from the table: every managed option defaults to None (not managed)."""
    spec = dict(connection_spec)
    for field in resource.fields:
        spec[field.option] = field.argspec()
    if resource.key_field is not None:
        spec[resource.key_field.option]['required'] = True
    if state:
        spec['state'] = {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']}
    return spec


def info_argument_spec(resource, connection_spec):
    spec = dict(connection_spec)
    spec[resource.key_field.option] = {'type': 'str'}
    return spec


DNS_ZONE = Resource(
    'dns_zone',
    '/common/zone/dnszone',
    'common',
    result_key='dns_zone',
    fields=[
        Field('name', 'Name', minimum=1, maximum=50, create_required=True),
        Field('hop_count', 'HopCount', 'int', minimum=1, maximum=255, api_default=15),
        Field('h323_mode', 'H323Mode', 'bool', tokens=ON_OFF, api_default='On', conf='L'),
        Field('sip_mode', 'SIPMode', 'bool', tokens=ON_OFF, api_default='On', conf='L'),
        Field('tls_verify_mode', 'SIPTLSVerifyMode', 'bool', tokens=ON_OFF, api_default='Off', conf='L'),
        Field('tls_verify_subject_name', 'SIPTLSVerifySubjectName', api_default='', conf='M'),
        Field(
            'tls_verify_inbound_mapping',
            'SIPTLSVerifyInboundClassification',
            'bool',
            tokens=ON_OFF,
            api_default='Off',
            conf='L',
        ),
        Field(
            'fallback_transport_protocol',
            'SIPDefaultTransport',
            choices=('UDP', 'TCP', 'TLS'),
            api_default='UDP',
            conf='L',
        ),
        Field(
            'media_encryption_mode',
            'SIPMediaEncryptionMode',
            choices=('ForceEncrypted', 'ForceUnencrypted', 'BestEffort', 'Auto'),
            api_default='Auto',
            conf='M',
        ),
        Field('ice_support', 'SIPMediaICESupport', 'bool', tokens=ON_OFF, api_default='Off', conf='M'),
        Field(
            'preloaded_sip_routes_support',
            'SIPPreloadedSipRoutesSupport',
            'bool',
            tokens=ON_OFF,
            api_default='Off',
            conf='M',
        ),
        Field('modify_dns_request', 'SIPDnsOverrideOverride', 'bool', tokens=ON_OFF, api_default='Off', conf='L'),
        Field('domain_to_search_for', 'SIPDnsOverrideName', api_default='', conf='L'),
        Field('zone_profile', 'ZoneProfile', choices=('Default', 'Custom'), api_default='Default', conf='L'),
        Field(
            'automatically_respond_to_sip_searches',
            'SIPSearchAutoResponse',
            'bool',
            tokens=ON_OFF,
            api_default='Off',
            conf='L',
        ),
        Field('include_address_record', 'IncludeAddressRecord', 'bool', tokens=ON_OFF, api_default='Off', conf='L'),
        Field(
            'sip_parameter_preservation',
            'SIPParameterPreservationMode',
            'bool',
            tokens=ON_OFF,
            api_default='Off',
            conf='M',
        ),
        Field('sip_poison_mode', 'SIPPoisonMode', 'bool', tokens=ON_OFF, api_default='Off', conf='M'),
        Field('sip_udp_bfcp_filter_mode', 'SIPUDPBFCPFilterMode', 'bool', tokens=ON_OFF, api_default='Off', conf='L'),
        Field(
            'sip_record_route_address_type',
            'SIPRecordRouteAddressType',
            choices=('IP', 'Hostname'),
            api_default='IP',
            conf='L',
        ),
    ],
)

SEARCH_RULE = Resource(
    'search_rule',
    '/common/searchrule',
    'common',
    result_key='search_rule',
    read_only=('SystemGenerated',),
    fields=[
        Field('name', 'Name', minimum=1, maximum=50, create_required=True),
        Field('description', 'Description', maximum=64, api_default=''),
        Field('priority', 'Priority', 'int', minimum=1, maximum=65534, api_default=100, create_required=True),
        Field('protocol', 'Protocol', choices=('Any', 'H323', 'SIP'), api_default='Any'),
        Field('source', 'Source', choices=('Any', 'AllZones', 'LocalZone', 'Named'), api_default='Any'),
        Field('source_name', 'SourceName'),
        Field('must_authenticate_request', 'MustAuthenticateRequest', 'bool', tokens=YES_NO, api_default='No'),
        Field(
            'mode', 'Mode', choices=('AliasPatternMatch', 'AnyAlias', 'AnyIPAddress'), api_default='AliasPatternMatch'
        ),
        Field('pattern_type', 'PatternType', choices=('Exact', 'Prefix', 'Suffix', 'Regex'), api_default='Prefix'),
        Field('pattern_string', 'PatternString'),
        Field('pattern_behavior', 'PatternBehavior', choices=('Strip', 'Leave', 'Replace'), api_default='Leave'),
        Field('replace_string', 'ReplaceString'),
        Field('on_successful_match', 'OnSuccessfulMatch', choices=('Continue', 'Stop'), api_default='Continue'),
        Field('target_name', 'TargetName', create_required=True),
        Field('sip_variant', 'SIPVariant', api_default='Any', conf='M'),
        Field('enabled', 'State', 'bool', tokens=ENABLED_DISABLED, api_default='Enabled'),
    ],
)

# Singleton, per cluster peer (M).
DNS_SETTINGS = Resource(
    'dns_settings',
    '/common/dns/dns',
    'common',
    key_option=None,
    result_key='dns_settings',
    fields=[
        Field('system_host_name', 'SystemHostName', conf='M'),
        Field('domain_name', 'DomainName', conf='M'),
    ],
)

# Default DNS servers, per cluster peer: the key is a lower-case ``index`` 1-5 (H).
DNS_SERVER = Resource(
    'dns_server',
    '/common/dns/dnsserver',
    'common',
    key_option='index',
    result_key='servers',
    wrapper='DefaultDNSServers',
    fields=[
        Field('index', 'index', 'int', minimum=1, maximum=5, create_required=True),
        Field('address', 'address', create_required=True),
    ],
)
DNS_SERVER_MAX = 5

# Firewall rules, pending set (X8.10+). Identified in the API by Index; the module identifies them by priority.
FIREWALL_RULE = Resource(
    'firewall_rule',
    '/common/firewallrules/configuration',
    'common',
    key_option='index',
    result_key='rules',
    fields=[
        Field('index', 'Index', 'int', conf='M'),
        Field('priority', 'Priority', 'int', minimum=1, maximum=65534, create_required=True),
        Field('address', 'Address', create_required=True),
        Field('prefix_length', 'PrefixLength', 'int', minimum=0, maximum=128, create_required=True),
        Field('transport', 'Transport', choices=('TCP', 'UDP', 'TCPAndUDP'), conf='M'),
        Field('start_port', 'StartPort', 'int', minimum=PORT_MIN, maximum=PORT_MAX, conf='M'),
        Field('end_port', 'EndPort', 'int', minimum=PORT_MIN, maximum=PORT_MAX, conf='M'),
        Field('action', 'Action', choices=('Allow', 'Drop', 'Reject'), create_required=True),
        Field('service', 'Service', conf='M'),
        Field('interface', 'Interface', choices=('LAN1', 'LAN2'), conf='M'),
        # A str field's range is its length (M: the web UI's limit).
        Field('description', 'Description', maximum=64, conf='M'),
    ],
)
FIREWALL_ACTIVATION_PATH = '/common/firewallrules/activation'
FIREWALL_ACTIVE_PATH = '/common/current/active/firewallrules'
FIREWALL_SINCE = 'X8.10'
# Services other than Custom imply their port (L: the contract only says "e.g. Custom").
FIREWALL_SERVICE_PORTS = {'HTTPS': ('TCP', 443), 'HTTP': ('TCP', 80), 'SSH': ('TCP', 22)}
FIREWALL_TCP_TRANSPORTS = ('TCP', 'TCPAndUDP')

# Trusted CA store: GET answers PEM text, POST takes multipart/form-data with this field (M).
TRUSTED_CA_PATH = '/certs/root'
TRUSTED_CA_FIELD = 'file'

# Zone collections a search rule's source_name / target_name may refer to, in lookup order. Edge and
# controller collections do not exist on the other product (404), which simply means "not there".
ZONE_COLLECTIONS = (
    '/common/zone/dnszone',
    '/common/zone/neighborzone',
    '/edge/zone/traversalserver',
    '/controller/zone/traversalclient',
)
ZONE_NAME_KEY = 'Name'
# Zones every box has without a collection entry (L: the contract does not list them).
BUILTIN_ZONE_NAMES = ('LocalZone', 'DefaultZone')

# /sysinfo (body undocumented, L): option name -> REST key.
SYSINFO_KEYS = {
    'product_type': 'ProductType',
    'system_type': 'SystemType',
    'version': 'SoftwareVersion',
    'system_name': 'SystemName',
    'serial_number': 'SerialNumber',
    'uptime': 'Uptime',
}
SYSINFO_PATH = '/sysinfo'
# SystemType value -> product letter (E = edge, C = controller).
SYSTEM_TYPES = {'expressway-e': 'E', 'expressway-c': 'C', 'vcs-expressway': 'E', 'vcs-control': 'C'}


def sysinfo_to_options(record):
    """/sysinfo in option names, plus product (E or C) derived from the system type."""
    info = {option: record.get(key) for option, key in SYSINFO_KEYS.items()}
    system_type = str(info.get('system_type') or '').strip().lower()
    info['product'] = SYSTEM_TYPES.get(system_type)
    return info
