# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure input checks, with hand-picked and generated (seeded, derandomized) bad values."""

from __future__ import annotations

import ipaddress
import json

import pytest
from hypothesis import given, settings, strategies as st

from ansible.module_utils.testing import patch_module_args

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import validate
from ansible_collections.ucops.expressway.plugins.module_utils._errors import ValidationError
from ansible_collections.ucops.expressway.plugins.module_utils._expressway.fields import DNS_SETTINGS, FIREWALL_RULE

# Derandomized: the same examples on every run, no example database, no timing-dependent failures.
GENERATED = settings(derandomize=True, database=None, deadline=None, max_examples=40)

LABEL_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
labels = st.builds(
    lambda first, middle, last: first + middle + last,
    st.sampled_from(LABEL_CHARS),
    st.text(LABEL_CHARS + '-', max_size=40),
    st.sampled_from(LABEL_CHARS),
)
junk_suffixes = st.sampled_from(['\n', '\r\n', ' ', '\t', '_', '.', '-', '/', '\x00', ':'])


def refused(check, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        check(*args, **kwargs)
    return info.value


def settings_check(**desired):
    return validate.check_dns_settings(DNS_SETTINGS, desired)


@GENERATED
@given(labels)
def test_every_label_is_a_host_name(label):
    settings_check(system_host_name=label, domain_name=f'{label}.example.test')


@GENERATED
@given(labels, junk_suffixes)
def test_a_label_with_anything_after_it_is_refused(label, junk):
    """fullmatch, not '$': a trailing newline is not part of a host name."""
    error = refused(settings_check, **{'system_host_name': label + junk})
    assert error.option == 'system_host_name' and error.value == label + junk
    assert 'one DNS label' in str(error) and repr(label + junk) in str(error)
    if junk != '.':
        error = refused(settings_check, **{'domain_name': f'{label}.example.test{junk}'})
        assert error.option == 'domain_name' and 'domain name' in str(error)


@pytest.mark.parametrize('name', ['a' * 64, '-abc', 'abc-', 'a.b', '', 'ex ample'])
def test_host_names_refused(name):
    assert refused(settings_check, **{'system_host_name': name}).option == 'system_host_name'


@pytest.mark.parametrize('name', ['a..b', '.a', 'a.' + 'b' * 64, ('a' * 60 + '.') * 5, 'a b.test'])
def test_domain_names_refused(name):
    assert refused(settings_check, **{'domain_name': name}).option == 'domain_name'


@GENERATED
@given(st.ip_addresses())
def test_addresses_are_returned_canonical(address):
    assert validate.ip_literal('servers', str(address).upper()) == str(address)


@GENERATED
@given(st.ip_addresses(v=6), st.sampled_from(['eth0', '1', 'en0', '%']))
def test_scoped_ipv6_addresses_are_refused(address, scope):
    value = f'{address}%{scope}'
    error = refused(validate.ip_literal, 'servers', value)
    assert error.option == 'servers' and error.value == value and 'scope' in error.allowed


@GENERATED
@given(st.ip_addresses(), st.sampled_from(['/24', '/0', ' 1', 'x', '#', '%']))
def test_prefixes_and_junk_are_refused(address, junk):
    assert refused(validate.ip_literal, 'rules.address', f'{address}{junk}').option == 'rules.address'


@GENERATED
@given(st.ip_addresses(v=4), st.integers(min_value=0, max_value=65535))
def test_ports_after_an_ipv4_address_are_refused(address, port):
    assert refused(validate.ip_literal, 'servers', f'{address}:{port}').option == 'servers'


def test_ipv4_mapped_ipv6_passes_as_ipv6():
    assert validate.ip_literal('servers', '::ffff:192.0.2.1') == str(ipaddress.ip_address('::ffff:192.0.2.1'))


@GENERATED
@given(st.one_of(st.integers(max_value=0), st.integers(min_value=65536)))
def test_ports_outside_the_range_are_refused(port):
    error = refused(validate.check_port, 'management_port', port)
    assert error.option == 'management_port' and error.value == port and '1 to 65535' in error.allowed


@GENERATED
@given(st.integers(min_value=1, max_value=65535))
def test_ports_inside_the_range_pass(port):
    assert validate.check_port('management_port', port) == port
    assert validate.check_firewall_params({'management_port': port})['management_port'] == port


@GENERATED
@given(st.sampled_from(['priority', 'prefix_length', 'start_port', 'end_port']), st.integers())
def test_firewall_rule_ranges(option, value):
    field = FIREWALL_RULE.by_option[option]
    if field.minimum <= value <= field.maximum:
        validate.check_ranges(FIREWALL_RULE, {option: value}, 'rules.')
    else:
        error = refused(validate.check_ranges, FIREWALL_RULE, {option: value}, 'rules.')
        assert error.option == f'rules.{option}' and str(field.maximum) in error.allowed


@GENERATED
@given(st.text(min_size=65, max_size=200))
def test_description_longer_than_64_is_refused(text):
    error = refused(validate.check_ranges, FIREWALL_RULE, {'description': text}, 'rules.')
    assert error.option == 'rules.description' and 'at most 64 characters' in str(error)


def test_description_of_64_passes():
    validate.check_ranges(FIREWALL_RULE, {'description': 'x' * 64}, 'rules.')


@pytest.mark.parametrize(
    'after, declared, option, value',
    [
        ({'priority': 5, 'start_port': 37000, 'end_port': 36010}, {'start_port': 37000}, 'rules.start_port', 37000),
        ({'priority': 5, 'start_port': 5061, 'end_port': 80}, {'end_port': 80}, 'rules.end_port', 80),
        ({'priority': 5, 'start_port': 9, 'end_port': 8}, {'start_port': 9, 'end_port': 8}, 'rules.start_port', 9),
    ],
)
def test_port_order_names_the_declared_end(after, declared, option, value):
    error = refused(validate.check_port_order, after, declared)
    assert (error.option, error.value) == (option, value) and 'priority 5' in str(error)


@pytest.mark.parametrize('after', [{'start_port': 1, 'end_port': 1}, {'start_port': 9}, {'end_port': 1}, {}])
def test_port_order_passes(after):
    validate.check_port_order(after, after)


RANGE = {
    'transport': 'TCP',
    'start_port': 5061,
    'end_port': 5062,
    'address': None,
    'prefix_length': 32,
    'action': 'Allow',
}


@pytest.mark.parametrize(
    'item, option',
    [
        (dict(RANGE, start_port=0), 'expected_firewall (item 1).start_port'),
        (dict(RANGE, end_port=70000), 'expected_firewall (item 1).end_port'),
        (dict(RANGE, start_port=6000), 'expected_firewall (item 1).start_port'),
        (dict(RANGE, address='192.0.2.1', prefix_length=33), 'expected_firewall (item 1).prefix_length'),
        (dict(RANGE, address='2001:db8::1', prefix_length=129), 'expected_firewall (item 1).prefix_length'),
        (dict(RANGE, address='fe80::1%eth0'), 'expected_firewall (item 1).address'),
        (dict(RANGE, address='192.0.2.0/24'), 'expected_firewall (item 1).address'),
    ],
)
def test_expected_firewall_refused(item, option):
    assert refused(validate.check_config_params, {'expected_firewall': [item]}).option == option


def test_expected_firewall_and_sip_domains_pass():
    params = {
        'expected_firewall': [RANGE, dict(RANGE, address='2001:db8::', prefix_length=64)],
        'sip_domains': ['acme.calls.webex.com', 'example.test.'],
    }
    assert validate.check_config_params(params) is params


@GENERATED
@given(labels, junk_suffixes)
def test_sip_domains_refused(label, junk):
    if junk == '.':
        return
    value = f'{label}.example.test{junk}'
    error = refused(validate.check_config_params, {'sip_domains': [value]})
    assert error.option == 'sip_domains' and error.value == value


SPEC = {
    'password': {'type': 'str', 'no_log': True},
    'rules': {'type': 'list', 'elements': 'dict', 'options': {'priority': {'type': 'int'}}},
    'one': {'type': 'dict', 'options': {'port': {'type': 'int'}}},
    'names': {'type': 'list', 'elements': 'str'},
}
not_a_dict = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.text(alphabet='abc xyz', min_size=1),
)


@GENERATED
@given(
    st.lists(st.fixed_dictionaries({'priority': st.integers()}), max_size=3),
    not_a_dict,
    st.lists(st.fixed_dictionaries({'priority': st.integers()}), max_size=3),
)
def test_a_non_dictionary_element_is_found(before, bad, after):
    found = validate.malformed_suboptions(SPEC, {'rules': before + [bad] + after, 'password': 'pw'})
    assert list(found) == ['rules']
    error = found['rules']
    assert error.value == bad and f'item {len(before) + 1} ' in str(error) and 'priority' in error.allowed


@pytest.mark.parametrize(
    'params',
    [
        {'rules': [{'priority': 1}, 'priority=2', '{"priority": 3}']},
        {'rules': None, 'one': {'port': 5}},
        {'one': 'port=5'},
        {'names': [1, {'a': 1}]},  # no sub-options: Ansible's own checks, which know the password by then
    ],
)
def test_well_formed_or_plain_options_pass(params):
    assert validate.malformed_suboptions(SPEC, params) == {}


def test_a_lone_value_for_a_dict_option_is_found():
    found = validate.malformed_suboptions(SPEC, {'one': 7})
    assert 'a dictionary of the options port' in str(found['one'])


def test_no_log_values_survive_malformed_elements():
    assert validate.no_log_values(SPEC, {'password': 'Pw-1', 'rules': [1, {'priority': 2}]}) == {'Pw-1'}


@pytest.mark.parametrize('rules', [[1], 'not-a-rule', [{'priority': 'first'}], [{'priority': 1, 'bogus': 2}]])
def test_the_module_never_prints_the_password(rules, capsys):
    """A real ExpresswayModule run: the failure Ansible prints carries the arguments, password masked."""
    with patch_module_args({'password': 'Pw-7f3Kq9', 'rules': rules}):
        with pytest.raises(SystemExit):
            validate.ExpresswayModule(argument_spec={k: dict(v) for k, v in SPEC.items()})
    out = capsys.readouterr()
    assert 'Pw-7f3Kq9' not in out.out + out.err
    result = json.loads(out.out)
    assert result['failed'] is True and 'rules' in result['msg']
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
