// Virtual network with one subnet per role: Kafka (HDInsight), Flink (AKS nodes or YARN workers),
// simulators (container instances). HDInsight's management traffic is let in through its service tag.
param solutionName string
param location string
param tags object

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${solutionName}-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'AllowHDInsightManagement'
        properties: {
          priority: 300
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: 'HDInsight'
          sourcePortRange: '*'
          destinationAddressPrefix: 'VirtualNetwork'
          destinationPortRange: '443'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${solutionName}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.0.0.0/16'
      ]
    }
    subnets: [
      {
        name: 'kafka'
        properties: {
          addressPrefix: '10.0.1.0/24'
          networkSecurityGroup: {
            id: nsg.id
          }
        }
      }
      {
        name: 'flink'
        properties: {
          addressPrefix: '10.0.4.0/22'
          networkSecurityGroup: {
            id: nsg.id
          }
        }
      }
      {
        name: 'simulators'
        properties: {
          addressPrefix: '10.0.8.0/24'
          delegations: [
            {
              name: 'aci'
              properties: {
                serviceName: 'Microsoft.ContainerInstance/containerGroups'
              }
            }
          ]
        }
      }
    ]
  }
}

output vnetId string = vnet.id
output kafkaSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'kafka')
output flinkSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'flink')
output simulatorsSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'simulators')
